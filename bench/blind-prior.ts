/**
 * `npx tsx bench/blind-prior.ts <out>`: the blind prior of a built data set (pipeline/stats/blind-prior.ts),
 * per family, with the answer-content balance (share of each answer text, colour words dropped).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlindPriorCollector, optionContent } from '../pipeline/stats/blind-prior.js';
import { getRecordMeta, listJsonlShards, readShardRecords } from '../pipeline/stats/read-shard-records.js';

const out = process.argv[2];
if (!out) throw new Error('usage: npx tsx bench/blind-prior.ts <out>');
const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
const collector = new BlindPriorCollector();
for await (const r of readShardRecords(out, listJsonlShards(manifest.shards))) collector.add(getRecordMeta(r) as unknown as Record<string, unknown>);
const unique = collector.records;
console.log('| family | scored | blind prior | chance | answer contents |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of collector.measure()) {
  const answers = new Map<string, number>();
  const mine = unique.filter((r) => r.family === row.family);
  for (const r of mine) {
    const text = optionContent(r.options[r.answer.charCodeAt(0) - 65]);
    answers.set(text, (answers.get(text) ?? 0) + 1);
  }
  const contents = [...answers].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${((100 * n) / mine.length).toFixed(0)} %`).join(', ');
  console.log(`| ${row.family} | ${row.scored} | ${(100 * row.accuracy).toFixed(1)} % | ${(100 * row.chance).toFixed(1)} % | ${contents} |`);
}
