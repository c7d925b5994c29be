/**
 * Balancing which pairs of parts a two-part question compares, so that no part name gives the
 * answer away (issue 10: a text-only prior read `relative-depth` right 81.6 % of the time against
 * 50 % chance, because the part a cross-view question carries over from the other image is hidden
 * in the image asked about, hence nearly always the farther one, and some parts, the body or a
 * knob on top, are nearly never the hidden one).
 *
 * The remedy is rejection sampling per *pair kind* (the two part names, unordered) and answer
 * class: with f_c(T) the chance that a sample of class c, picking a pair uniformly among the pairs
 * of its class, lands on kind T, a pick of kind T in class c is kept with probability
 * a_c(T) = min_c' f_c'(T) / f_c(T). Every kind is then used equally often in every class (for
 * `relative-depth`: each of two part names is the nearer one as often as the other), and a kind
 * one class never shows is not used at all. The frequencies are measured once on the planner's
 * default scenes ({@link accumulatePairFrequencies}, {@link balanceFromFrequencies}) and kept in
 * a table beside the family; the test that compares the table with a fresh measurement says how to
 * regenerate it.
 *
 * Keeping "pick uniformly, then accept with a(T)" deterministic and cheap is done in two steps
 * that draw the same distribution: the family's `applies` keeps the sample with the probability
 * {@link meanAcceptance} (the mean of a over the class's pairs), and `build` then picks a pair
 * with probability proportional to its a ({@link pickBalancedPair}). Pure.
 */
import type { Rng } from '../rng.js';

/** Acceptance probability per pair kind and class, keyed by {@link pairBalanceKey}. */
export type PairBalance = Readonly<Record<string, number>>;

/** A part as the balance sees it. */
export interface NamedThing {
  name: string;
}

/** The kind of a pair: its two part names, sorted, so "body + handle" whatever the order. */
export function pairKind(a: NamedThing, b: NamedThing): string {
  return [a.name, b.name].sort().join(' + ');
}

/** The table key of a pair kind in an answer class. */
export function pairBalanceKey(kind: string, answerClass: number): string {
  return `${kind} | ${answerClass}`;
}

/**
 * The acceptance probability of a pair in `answerClass`. A kind the table has never seen is taken
 * as it comes (1): it was too rare in the measured scenes to move the balance.
 */
export function pairAcceptance(balance: PairBalance, a: NamedThing, b: NamedThing, answerClass: number): number {
  return balance[pairBalanceKey(pairKind(a, b), answerClass)] ?? 1;
}

/** Mean acceptance of the pairs a sample of `answerClass` may pick: the share of such samples kept. 0 for no pair. */
export function meanAcceptance(balance: PairBalance, pairs: readonly (readonly [NamedThing, NamedThing])[], answerClass: number): number {
  if (pairs.length === 0) return 0;
  return pairs.reduce((sum, [a, b]) => sum + pairAcceptance(balance, a, b, answerClass), 0) / pairs.length;
}

/**
 * Picks a pair with probability proportional to its acceptance (uniformly when every pair has
 * acceptance 0, which a sample kept by {@link meanAcceptance} never has). One draw of `rng`.
 */
export function pickBalancedPair<T extends readonly [NamedThing, NamedThing]>(balance: PairBalance, pairs: readonly T[], answerClass: number, rng: Rng): T {
  if (pairs.length === 0) throw new Error('pickBalancedPair: no pair to pick from');
  const weights = pairs.map(([a, b]) => pairAcceptance(balance, a, b, answerClass));
  const total = weights.reduce((s, w) => s + w, 0);
  const u = rng.next();
  if (!(total > 0)) return pairs[Math.min(pairs.length - 1, Math.floor(u * pairs.length))];
  let at = u * total;
  for (let i = 0; i < pairs.length; i++) {
    at -= weights[i];
    if (at < 0) return pairs[i];
  }
  return pairs[pairs.length - 1];
}

/**
 * Adds one scene to the frequencies: for each class c with pairs P_c, each pair's kind gains
 * 1 / |P_c| in class c (the chance that a uniform pick lands on it). `pairsByClass[c]` lists class
 * c's pairs; a class the scene cannot take has none.
 */
export function accumulatePairFrequencies(freq: Map<string, number>, pairsByClass: readonly (readonly (readonly [NamedThing, NamedThing])[])[]): void {
  pairsByClass.forEach((pairs, c) => {
    for (const [a, b] of pairs) {
      const key = pairBalanceKey(pairKind(a, b), c);
      freq.set(key, (freq.get(key) ?? 0) + 1 / pairs.length);
    }
  });
}

/**
 * The balance table of measured frequencies: a_c(T) = min over classes of f(T) / f_c(T), rounded
 * to 4 decimals (0 for a class the kind never showed), keys sorted (so the table's text is stable).
 */
export function balanceFromFrequencies(freq: ReadonlyMap<string, number>, classCount: number): Record<string, number> {
  const kinds = new Set([...freq.keys()].map((k) => k.slice(0, k.lastIndexOf(' | '))));
  const out: Record<string, number> = {};
  for (const kind of [...kinds].sort()) {
    const f = Array.from({ length: classCount }, (_, c) => freq.get(pairBalanceKey(kind, c)) ?? 0);
    const least = Math.min(...f);
    // A class the kind never showed keeps 0 too: the kind is known, and one-sided.
    f.forEach((fc, c) => {
      out[pairBalanceKey(kind, c)] = fc > 0 ? Number((least / fc).toFixed(4)) : 0;
    });
  }
  return out;
}
