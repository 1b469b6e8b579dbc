/**
 * `npm run bench:similar`: how long a similar-questions lookup takes among 2,000 questions of one
 * town hall, in English and Spanish, on the real question store (SQLite by default; Redis when
 * REDIS_URL is set). A program that prints figures (STYLE.md 16), not a test.
 *
 *   npm run bench:similar [-- --questions 2000 --lookups 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createPseudonyms } from '../../server/identity/pseudonyms.js';
import { createSimilarQuestions } from '../../server/qa/similar.js';
import type { QuestionStore } from '../../server/qa/store.js';
import { createRedisQuestionStore } from '../../server/qa/store-redis.js';
import { createSqliteQuestionStore } from '../../server/qa/store-sqlite.js';
import { connectRedis } from '../../server/storage/redis.js';
import { openSqlite } from '../../server/storage/sqlite.js';

const { values } = parseArgs({
  options: { questions: { type: 'string', default: '2000' }, lookups: { type: 'string', default: '2000' } },
});
const QUESTIONS = Number(values.questions);
const LOOKUPS = Number(values.lookups);

// A small deterministic generator (mulberry32), so every run asks the same questions.
let seed = 14;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const EN = {
  openings: ['When will you', 'Can you please', 'Why don\'t you', 'Is it possible to', 'What is the plan to', 'Are you going to'],
  actions: ['add more patrols on', 'fix the street lights on', 'stop speeding on', 'deal with the noise on', 'put a crossing guard on', 'clean up the graffiti on', 'install cameras on', 'reduce car break-ins on'],
  places: ['Elm Street', 'Oak Avenue', 'Main St', 'Birch Road', 'Cedar Lane', 'Maple Avenue', 'Pine Street', 'the park by the library', 'Lincoln Elementary', 'the downtown garage'],
  tails: ['', ' at night', ' this summer', ' near the school', ' on weekends', ' after the game'],
};
const ES = {
  openings: ['¿Cuándo van a', '¿Pueden por favor', '¿Por qué no', '¿Es posible', '¿Cuál es el plan para', '¿Van a'],
  actions: ['poner más patrullas en', 'arreglar las luces de', 'parar a los que corren en', 'controlar el ruido en', 'poner un guardia escolar en', 'limpiar los grafitis de', 'instalar cámaras en', 'reducir los robos de coches en'],
  places: ['la calle Olmo', 'la avenida Roble', 'la calle Mayor', 'el camino Abedul', 'la calle Cedro', 'la avenida Arce', 'la calle Pino', 'el parque de la biblioteca', 'la escuela Lincoln', 'el garaje del centro'],
  tails: ['', ' de noche', ' este verano', ' cerca de la escuela', ' los fines de semana', ' después del partido'],
};
const question = () => {
  const lang = random() < 0.6 ? EN : ES;
  return `${pick(lang.openings)} ${pick(lang.actions)} ${pick(lang.places)}${pick(lang.tails)}${lang === ES ? '?' : '?'}`;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (n: number) => `${n.toFixed(3)} ms`;

async function openStore(): Promise<{ kind: string; questions: QuestionStore; close(): Promise<void> }> {
  if (process.env.REDIS_URL) {
    const redis = await connectRedis(process.env.REDIS_URL);
    await redis.flushDb();
    return { kind: `redis (${process.env.REDIS_URL})`, questions: createRedisQuestionStore(redis), close: () => redis.close() };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-bench-similar-'));
  const db = openSqlite(path.join(dir, 'bench.db'));
  return {
    kind: 'sqlite (temporary file)',
    questions: createSqliteQuestionStore(db),
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const store = await openStore();
const townHallId = 'bench-townhall-0001';
for (let i = 0; i < QUESTIONS; i++) {
  await store.questions.addQuestion({
    townHallId,
    authorId: `bench-author-${i}`,
    authorName: `Resident ${i}`,
    authorRole: null,
    anonymous: i % 3 === 0,
    text: question(),
    status: 'published',
    holdReason: null,
    filterHits: [],
  });
}
const pseudonyms = createPseudonyms('bench-secret-bench-secret-bench-secret-01');
const drafts = Array.from({ length: LOOKUPS }, question);

// Warm: the index is built once and stays fresh for the whole run (one node, no other writer).
const warm = createSimilarQuestions({ questions: store.questions, pseudonyms, maxAgeMs: Number.POSITIVE_INFINITY });
let t0 = performance.now();
await warm.find(townHallId, drafts[0]!);
const build = performance.now() - t0;
for (let i = 0; i < 200; i++) await warm.find(townHallId, drafts[i % drafts.length]!);
const times: number[] = [];
// CPU time too: on a shared machine the wall clock also counts time the process waited for a core.
const cpu: number[] = [];
let offered = 0;
for (const draft of drafts) {
  const c0 = process.cpuUsage();
  t0 = performance.now();
  const found = await warm.find(townHallId, draft, draft.startsWith('¿') ? 'es' : 'en');
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  offered += found.length;
}
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);

// Re-reading the store into a built index (nothing changed): what a node does in the background
// at most once per SIMILAR_MAX_AGE_MS per town hall someone is typing in, for other nodes' changes.
const refresh: number[] = [];
for (let i = 0; i < 30; i++) {
  t0 = performance.now();
  await warm.refresh(townHallId);
  refresh.push(performance.now() - t0);
}
refresh.sort((a, b) => a - b);
await store.close();

const model = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`bench:similar — ${QUESTIONS} questions in one town hall (60 % English, 40 % Spanish), ${LOOKUPS} lookups`);
console.log(`machine: ${model}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}; store: ${store.kind}`);
console.log(`first lookup (reads the store, builds the index in slices): ${ms(build)}`);
console.log(`lookup, index fresh, wall:     p50 ${ms(percentile(times, 50))}  p99 ${ms(percentile(times, 99))}  max ${ms(times.at(-1)!)}`);
console.log(`lookup, index fresh, CPU:      p50 ${ms(percentile(cpu, 50))}  p99 ${ms(percentile(cpu, 99))}`);
console.log(`background re-read of the store: p50 ${ms(percentile(refresh, 50))}  max ${ms(refresh.at(-1)!)}`);
console.log(`suggestions offered per lookup: ${(offered / LOOKUPS).toFixed(2)} on average (at most 3)`);
