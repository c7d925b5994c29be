import { describe, expect, it } from 'vitest';
import { buildPreviewHtml, escapeHtml, PREVIEW_CSP } from '../../pipeline/preview/preview-html.js';
import type { PreviewSample } from '../../pipeline/preview/select-samples.js';

function sample(over: Partial<PreviewSample> = {}): PreviewSample {
  return {
    id: 'vf-00000001-00000000',
    index: 0,
    family: 'orbit',
    stage: 'sft',
    templateId: 'orbit/t1',
    question: 'Which way did the camera move?',
    options: ['left', 'right'],
    answer: 'B',
    answerText: 'right',
    reasoning: 'The knob moved left, so the camera moved right.',
    hasCot: true,
    images: [
      { path: 'images/00000/vf-00000001-00000000_a.jpg', width: 64, height: 64, format: 'jpeg' },
      { path: 'images/00000/vf-00000001-00000000_b.jpg', width: 64, height: 64, format: 'jpeg' },
    ],
    facts: [{ label: 'Δ azimuth', value: '42.0°' }],
    ...over,
  };
}

function page(samples: PreviewSample[]): string {
  return buildPreviewHtml({ title: 'viewforge', summary: '2 samples', samples, imageSrc: (p) => p, families: ['orbit', 'perspective'], letters: ['A', 'B'] });
}

describe('buildPreviewHtml', () => {
  it('writes one card per sample with both images, the options, the correct one marked, reasoning and facts', () => {
    const html = page([sample(), sample({ id: 'vf-2', family: 'perspective', stage: 'rl', answer: 'A' })]);
    expect(html.match(/<article class="sample"/g)).toHaveLength(2);
    expect(html.match(/<img /g)).toHaveLength(4);
    expect(html).toContain('src="images/00000/vf-00000001-00000000_a.jpg"');
    expect(html).toContain('data-family="perspective" data-answer="A"');
    expect(html).toMatch(/<li class="correct" data-letter="B"><span class="letter">B\.<\/span>right<span class="sr"> \(correct answer\)<\/span><\/li>/);
    expect(html).toContain('The knob moved left, so the camera moved right.');
    expect(html).toContain('<dt>Δ azimuth</dt><dd>42.0°</dd>');
    expect(html).toContain('<select id="family-filter">');
    expect(html).toContain('<select id="answer-filter">');
  });

  it('escapes every text from the data set', () => {
    const html = page([sample({ question: 'Is <b>x</b> & "y" left?</script>', reasoning: "<img src=x onerror='alert(1)'>", options: ['<i>', 'ok'], family: 'or"bit' })]);
    expect(html).toContain('Is &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot; left?&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&#39;alert(1)&#39;&gt;');
    expect(html).toContain('data-family="or&quot;bit"');
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain("onerror='");
    expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });

  it('is self-contained: inline style and script, no external URL', () => {
    const html = page([sample()]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link |<script src|@import|url\(/);
    expect(html).toContain('<style>');
    expect(html).toContain('<script>');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PREVIEW_CSP)}">`);
    expect(PREVIEW_CSP).toMatch(/^default-src 'none';/);
  });

  it('says so when there is nothing to show', () => {
    expect(page([])).toContain('<p id="empty">No sample matches the filters.</p>');
  });
});
