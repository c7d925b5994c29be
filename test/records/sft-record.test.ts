import { describe, expect, it } from 'vitest';
import { ANSWER_INSTRUCTIONS, formatOfInstruction, pickAnswerInstruction } from '../../pipeline/records/answer-instruction.js';
import { buildRlRecord } from '../../pipeline/records/rl-record.js';
import { buildSftRecord } from '../../pipeline/records/sft-record.js';
import { validateSftRecord } from '../../pipeline/records/validate-record.js';
import { makeRecordInput } from './record-input-fixture.js';

describe('buildSftRecord', () => {
  it('builds a valid sharegpt record with keys in fixed order', () => {
    const rec = buildSftRecord(makeRecordInput());
    expect(Object.keys(rec)).toEqual(['id', 'messages', 'images', 'meta']);
    expect(() => validateSftRecord(JSON.parse(JSON.stringify(rec)))).not.toThrow();
    expect(rec.id).toBe('vf-0000002a-00000007');
    expect(rec.images).toEqual(['images/00000/vf-0000002a-00000007_a.jpg', 'images/00000/vf-0000002a-00000007_b.jpg']);
    expect(rec.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('writes one <image> token per image, then question, options and instruction', () => {
    const input = makeRecordInput();
    const rec = buildSftRecord(input);
    const all = rec.messages.map((m) => m.content).join('');
    expect(all.split('<image>').length - 1).toBe(rec.images.length);
    expect(rec.messages[0].content).toBe(
      `<image><image>${input.question.question}\nA. left by 0-30°\nB. right by 30-60°\nC. left by 30-60°\nD. right by 0-30°\n${pickAnswerInstruction(input.withCot ? 'think-answer' : 'answer-only', input.plan.seed, input.plan.index)}`,
    );
  });

  it('asks for exactly the format its target has (SFT with and without CoT, RL)', () => {
    const instructionOf = (content: string) => formatOfInstruction(content.split('\n').at(-1)!);
    const seen = new Set<string>();
    for (let index = 0; index < 40; index++) {
      for (const withCot of [true, false]) {
        const input = makeRecordInput({ withCot });
        input.plan = { ...input.plan, index };
        const sft = buildSftRecord(input);
        const target = sft.messages[1].content;
        const asked = instructionOf(sft.messages[0].content);
        expect(asked).toBe(target.startsWith('<think>') ? 'think-answer' : 'answer-only');
        if (asked === 'answer-only') expect(sft.messages[0].content).not.toMatch(/think/i);
        seen.add(sft.messages[0].content.split('\n').at(-1)!);
        // RL prompts ask for the format the reward scores: <think>…</think><answer>…</answer>
        expect(instructionOf(buildRlRecord(input).prompt[0].content)).toBe('think-answer');
      }
    }
    // Several phrasings of each are used.
    expect(seen.size).toBe(ANSWER_INSTRUCTIONS['think-answer'].length + ANSWER_INSTRUCTIONS['answer-only'].length);
  });

  it('writes <think> only with CoT', () => {
    const input = makeRecordInput({ withCot: true });
    expect(buildSftRecord(input).messages[1].content).toBe(`<think>${input.question.reasoning}</think><answer>B</answer>`);
    const plain = buildSftRecord(makeRecordInput({ withCot: false }));
    expect(plain.messages[1].content).toBe('<answer>B</answer>');
    expect(plain.meta.has_cot).toBe(false);
    expect(plain.meta.reasoning.length).toBeGreaterThan(0);
    expect(() => validateSftRecord(JSON.parse(JSON.stringify(plain)))).not.toThrow();
  });

  it('adds a system message only when a system prompt is given', () => {
    const rec = buildSftRecord(makeRecordInput({ systemPrompt: 'You are a careful spatial reasoner.' }));
    expect(rec.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(rec.messages[0].content).toBe('You are a careful spatial reasoner.');
    expect(() => validateSftRecord(JSON.parse(JSON.stringify(rec)))).not.toThrow();
    expect(buildSftRecord(makeRecordInput({ systemPrompt: null })).messages).toHaveLength(2);
  });

  it('throws when a text would add an <image> token', () => {
    const input = makeRecordInput();
    input.question.question = 'Look at <image> again.';
    expect(() => buildSftRecord(input)).toThrow(/vf-0000002a-00000007.*<image>/);
    const opt = makeRecordInput();
    opt.question.options[3] = '<image>';
    expect(() => buildSftRecord(opt)).toThrow(/option D/);
    expect(() => buildSftRecord(makeRecordInput({ systemPrompt: 'see <image>' }))).toThrow(/system prompt/);
  });

  it('is byte-stable', () => {
    expect(JSON.stringify(buildSftRecord(makeRecordInput()))).toBe(JSON.stringify(buildSftRecord(makeRecordInput())));
  });
});
