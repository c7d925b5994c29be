/**
 * `buildPreviewHtml(input)`: the preview gallery as one self-contained HTML page — inline CSS
 * and script, no external URL, no font or library to fetch — that opens from disk (`file://`)
 * with no server and no network. Pure: samples and image sources in, text out.
 *
 * Each sample card shows both images, the question, the options with the correct one marked
 * (✓, bold, and the words "correct answer" for screen readers), the reasoning (always shown, with
 * whether the SFT answer carries it as `<think>` CoT), and the key ground-truth numbers. Two filters (family, answer
 * letter) hide non-matching cards; a counter says how many are shown.
 *
 * Every text from the data set is HTML-escaped, so a question or reasoning containing `<`, `&`
 * or quotes is shown as written. A Content-Security-Policy meta tag allows only inline style and
 * script and images from `file:`/`data:` URLs, so the page cannot make a network request even if
 * a path were crafted to.
 *
 * @example
 * const html = buildPreviewHtml({ title: 'viewforge', summary: '16 samples…', samples, imageSrc: (p) => p, families, letters });
 */
import { optionLetter } from '../questions/arrange-options.js';
import type { PreviewSample } from './select-samples.js';

/** What the page is built from. */
export interface PreviewHtmlInput {
  /** Page title (dataset name). */
  title: string;
  /** One line under the title (counts, seed, renderer). */
  summary: string;
  samples: readonly PreviewSample[];
  /** The `src` of an image given its path relative to the output root: a relative URL or a data URI. */
  imageSrc: (path: string) => string;
  /** Family filter choices, in order. */
  families: readonly string[];
  /** Answer filter choices, in order ("A", "B", …). */
  letters: readonly string[];
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
:root { color-scheme: light; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #f4f5f7; color: #1d1f23; }
header { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid #d8dbe0; padding: 10px 16px; }
header h1 { margin: 0 0 2px; font-size: 18px; }
header p { margin: 0 0 8px; color: #555; }
.filters { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
.filters label { font-weight: 600; }
.filters select { margin-left: 4px; font: inherit; }
#grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 12px; padding: 12px 16px; }
.sample { background: #fff; border: 1px solid #d8dbe0; border-radius: 6px; padding: 10px; }
.sample[hidden] { display: none; }
.sample h2 { margin: 0 0 6px; font-size: 13px; font-weight: 600; color: #444; }
.tag { display: inline-block; padding: 0 6px; border-radius: 8px; background: #e8eefc; color: #1b3f8f; font-size: 12px; margin-right: 4px; }
.views { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; margin: 0 0 8px; }
.views figure { margin: 0; }
.views img { width: 100%; height: auto; display: block; background: #ccc; image-rendering: auto; }
.views figcaption { font-size: 12px; color: #555; text-align: center; }
.question { margin: 0 0 6px; white-space: pre-wrap; }
ol.options { margin: 0 0 6px; padding-left: 0; list-style: none; }
ol.options li { padding: 1px 4px; border-radius: 3px; }
ol.options li .letter { display: inline-block; width: 1.6em; font-weight: 600; }
ol.options li.correct { background: #dff3e4; font-weight: 600; }
ol.options li.correct::after { content: " \\2713"; color: #17803a; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
details { margin: 0 0 6px; }
details p { margin: 4px 0 0; white-space: pre-wrap; color: #333; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; margin: 0; font-size: 12px; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
#empty { padding: 24px 16px; color: #555; }
`;

const SCRIPT = `
(function () {
  var family = document.getElementById('family-filter');
  var answer = document.getElementById('answer-filter');
  var shown = document.getElementById('shown');
  var empty = document.getElementById('empty');
  var cards = Array.prototype.slice.call(document.querySelectorAll('.sample'));
  function apply() {
    var n = 0;
    cards.forEach(function (card) {
      var ok = (family.value === '' || card.getAttribute('data-family') === family.value) &&
        (answer.value === '' || card.getAttribute('data-answer') === answer.value);
      card.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
    empty.hidden = n !== 0;
  }
  family.addEventListener('change', apply);
  answer.addEventListener('change', apply);
  apply();
})();
`;

/** Content-Security-Policy of the page: inline style and script, images from files or data URIs, nothing else. */
export const PREVIEW_CSP = "default-src 'none'; img-src file: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

/** Where the reasoning of a sample appears in the training records. */
function cotNote(s: PreviewSample): string {
  if (s.stage === 'rl') return 'templated; RL prompts carry no answer';
  return s.hasCot ? 'CoT: in the SFT answer as <think>' : 'no CoT: the SFT answer is <answer> only';
}

function sampleCard(s: PreviewSample, imageSrc: (path: string) => string): string {
  const e = escapeHtml;
  const views = s.images
    .map((im, i) => {
      const label = i === 0 ? 'view A' : i === 1 ? 'view B' : `view ${i + 1}`;
      const size = Number.isFinite(im.width) && Number.isFinite(im.height) ? ` width="${im.width}" height="${im.height}"` : '';
      return `<figure><img src="${e(imageSrc(im.path))}" alt="${e(`${s.id} ${label}`)}"${size}><figcaption>${e(label)}</figcaption></figure>`;
    })
    .join('');
  const options = s.options
    .map((o, i) => {
      const correct = optionLetter(i) === s.answer;
      return `<li${correct ? ' class="correct"' : ''} data-letter="${optionLetter(i)}"><span class="letter">${optionLetter(i)}.</span>${e(o)}${correct ? '<span class="sr"> (correct answer)</span>' : ''}</li>`;
    })
    .join('');
  const facts = s.facts.map((f) => `<dt>${e(f.label)}</dt><dd>${e(f.value)}</dd>`).join('');
  return [
    `<article class="sample" data-family="${e(s.family)}" data-answer="${e(s.answer)}" data-id="${e(s.id)}">`,
    `<h2><span class="tag">${e(s.family)}</span><span class="tag">${e(s.stage)}</span>#${Number.isFinite(s.index) ? s.index : '?'} · ${e(s.id)}</h2>`,
    `<div class="views">${views}</div>`,
    `<p class="question">${e(s.question)}</p>`,
    `<ol class="options">${options}</ol>`,
    `<p class="answer">Answer: <strong>${e(s.answer)}</strong> — ${e(s.answerText)}</p>`,
    `<details open><summary>Reasoning · ${e(cotNote(s))} · ${e(s.templateId)}</summary><p class="reasoning">${e(s.reasoning)}</p></details>`,
    `<dl class="facts">${facts}</dl>`,
    '</article>',
  ].join('\n');
}

function select(id: string, label: string, all: string, values: readonly string[]): string {
  const opts = values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  return `<label for="${id}">${escapeHtml(label)}<select id="${id}"><option value="">${escapeHtml(all)}</option>${opts}</select></label>`;
}

/** The whole page; see the file header. */
export function buildPreviewHtml(input: PreviewHtmlInput): string {
  const e = escapeHtml;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(PREVIEW_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(input.title)} · preview</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${e(input.title)} · preview</h1>`,
    `<p>${e(input.summary)}</p>`,
    '<div class="filters">',
    select('family-filter', 'Family', 'all families', input.families),
    select('answer-filter', 'Answer', 'all answers', input.letters),
    `<span>showing <strong id="shown">${input.samples.length}</strong> of ${input.samples.length}</span>`,
    '</div>',
    '</header>',
    '<main>',
    '<div id="grid">',
    ...input.samples.map((s) => sampleCard(s, input.imageSrc)),
    '</div>',
    `<p id="empty"${input.samples.length === 0 ? '' : ' hidden'}>No sample matches the filters.</p>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
