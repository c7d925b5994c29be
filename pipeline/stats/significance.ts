/**
 * Significance tests, small and exact enough for counts of a few to a few hundred thousand: the
 * chi-square test of the answer-balance section (answer-balance.ts), and the tests behind
 * nightly's rate and drift gates (pipeline/nightly/quality-gates.ts): a gate
 * fails only when the count it rests on makes the breach unlikely to be chance, at a stated
 * false-alarm rate, so a healthy 12-pair build is not failed by noise and a real shift in a
 * 2,000-pair build is caught.
 *
 * - A rate gate ("at most r per sample") fails when P(X ≥ observed | the rate is exactly r) is
 *   below α: binomial for shares of checked items (blank images, pose failures, skipped assets),
 *   Poisson for events that may repeat per sample (re-draws).
 * - A drift gate ("changed by at most d since the last good build") fails when the change exceeds
 *   d and a two-sample test of equal rates gives p below α (the conditional binomial test of two
 *   Poisson counts, or of two binomial shares, which is the same test at these sizes).
 */

/** False-alarm rate of each rate and drift gate. */
export const GATE_ALPHA = 0.001;

/** ln Γ(x) (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const lnChoose = (n: number, k: number) => lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let sum = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(lnChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
    sum += term;
    if (i > n * p && term < sum * 1e-16) break;
  }
  return Math.min(1, sum);
}

/** P(X ≥ k) for X ~ Poisson(mean). */
export function poissonUpperTail(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  // 1 − P(X ≤ k − 1), summed from the side with the smaller terms.
  if (k - 1 < mean) {
    let below = 0;
    for (let i = 0; i < k; i++) below += Math.exp(i * Math.log(mean) - mean - lnGamma(i + 1));
    return Math.max(0, Math.min(1, 1 - below));
  }
  let sum = 0;
  for (let i = k; ; i++) {
    const term = Math.exp(i * Math.log(mean) - mean - lnGamma(i + 1));
    sum += term;
    if (term < sum * 1e-16 || i > k + 100_000) break;
  }
  return Math.min(1, sum);
}

/** Two-sided p-value that counts `k1` over `n1` and `k2` over `n2` come from one rate (conditional binomial test). */
export function equalRatesP(k1: number, n1: number, k2: number, n2: number): number {
  const k = k1 + k2;
  if (k === 0 || n1 <= 0 || n2 <= 0) return 1;
  const share = n1 / (n1 + n2);
  const upper = binomialUpperTail(k1, k, share);
  const lower = 1 - binomialUpperTail(k1 + 1, k, share);
  return Math.min(1, 2 * Math.min(upper, lower));
}

/** Regularised upper incomplete gamma Q(a, x), by its series or continued fraction (Numerical Recipes' split at x = a + 1). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnGammaA = lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lnGammaA);
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

/** P(χ²_dof ≥ statistic). */
export function chiSquarePValue(statistic: number, dof: number): number {
  return dof <= 0 ? 1 : Math.min(1, Math.max(0, gammaQ(dof / 2, statistic / 2)));
}
