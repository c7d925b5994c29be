import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/config.js';
import { readSystemPrompt } from '../../pipeline/run/read-system-prompt.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-prompt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--system-prompt <text|@file>', () => {
  it('is null when not given, the text itself, or @file contents without the trailing newline', async () => {
    expect(await readSystemPrompt(undefined)).toBeNull();
    expect(await readSystemPrompt('You are a spatial reasoner.')).toBe('You are a spatial reasoner.');
    const file = join(dir, 'prompt.txt');
    await writeFile(file, 'Line one.\nLine two.\n\n');
    expect(await readSystemPrompt(`@${file}`)).toBe('Line one.\nLine two.');
    expect(await readSystemPrompt('@@handle')).toBe('@handle');
  });

  it('names the file it cannot read, and refuses an empty prompt or a reserved token', async () => {
    const missing = join(dir, 'nope.txt');
    await expect(readSystemPrompt(`@${missing}`)).rejects.toThrow(new RegExp(`--system-prompt @${missing}: cannot read "${missing}"`));
    await expect(readSystemPrompt(`@${missing}`)).rejects.toBeInstanceOf(ConfigError);
    await expect(readSystemPrompt('@')).rejects.toThrow(/no file named/);
    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '\n');
    await expect(readSystemPrompt(`@${empty}`)).rejects.toThrow(/system prompt \(from ".*empty.txt"\) is empty/);
    await expect(readSystemPrompt('Look at <image> first')).rejects.toThrow(/contains "<image>"/);
    await expect(readSystemPrompt('Answer in <answer></answer>')).rejects.toThrow(/contains "<answer>"/);
  });
});
