// Prints how the personal-information screen does on the kept samples
// (tests/fixtures/personal-info.json): the share of personal details held and the share of
// ordinary questions wrongly held, per language. `--misses` lists the samples it got wrong.
import { readFileSync } from 'node:fs';
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
