// Prints how the personal-information screen does on the kept samples
// (tests/fixtures/personal-info.json): the share of personal details held and the share of
// ordinary questions wrongly held, per language. `--misses` lists the samples it got wrong.
import { readFileSync } from 'node:fs';
import { findPersonalInfo } from '../shared/personal-info.js';
import { measureScreening, type ScreeningSamples } from '../tests/support/screening-samples.js';

const samples = JSON.parse(readFileSync(new URL('../tests/fixtures/personal-info.json', import.meta.url), 'utf8')) as ScreeningSamples;
const figures = measureScreening(samples);
const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
for (const f of figures) {
  console.log(
    `${f.lang}: personal details held ${f.held}/${f.personal} (${pct(f.held, f.personal)}), ` +
      `right kind ${f.rightKind}/${f.personal}; ordinary wrongly held ${f.wronglyHeld}/${f.ordinary} (${pct(f.wronglyHeld, f.ordinary)})`,
  );
  if (process.argv.includes('--misses')) {
    for (const m of f.missed) console.log(`  missed  [${m.kind}] ${m.text}`);
    for (const m of f.wrong) console.log(`  wrongly held [${m.kinds.join(', ')}] ${m.text}`);
  }
}

// What one screen costs: every sample many times, then the longest text a forum post may be.
const texts = [...Object.values(samples.personal).flat().map((s) => s.text), ...Object.values(samples.ordinary).flat()];
const rounds = 200;
let started = performance.now();
for (let i = 0; i < rounds; i++) for (const t of texts) findPersonalInfo(t);
const perText = (performance.now() - started) / (rounds * texts.length);
const long = texts.join(' ').repeat(Math.ceil(10_000 / texts.join(' ').length)).slice(0, 10_000);
started = performance.now();
for (let i = 0; i < 20; i++) findPersonalInfo(long);
console.log(`time: ${(perText * 1000).toFixed(1)} µs per sample on average; ${((performance.now() - started) / 20).toFixed(2)} ms for a 10,000-character post`);
