#!/usr/bin/env node
// Checks that every catalogue has the same keys as en.json and that every key the components
// use literally ($_('a.b')) exists. Keys built at run time (`roles.${role}`) are checked by
// their prefix. Exits non-zero on any difference.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const i18n = join(src, 'i18n');

const flatten = (obj, prefix = '') =>
  Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? flatten(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );

const catalogues = Object.fromEntries(
  readdirSync(i18n)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, new Set(flatten(JSON.parse(readFileSync(join(i18n, f), 'utf8'))))]),
);
const reference = catalogues['en.json'];
let problems = 0;
for (const [file, keys] of Object.entries(catalogues)) {
  for (const k of reference) if (!keys.has(k)) (problems++, console.error(`${file}: missing ${k}`));
  for (const k of keys) if (!reference.has(k)) (problems++, console.error(`${file}: extra ${k}`));
}

const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(svelte|ts)$/.test(f) ? [p] : [];
  });
for (const file of files(src)) {
  const text = readFileSync(file, 'utf8');
  for (const [, key] of text.matchAll(/(?:\$_|\bt)\(\s*'([^']+)'/g)) {
    if (!reference.has(key)) (problems++, console.error(`${file}: unknown key ${key}`));
  }
  for (const [, prefix] of text.matchAll(/(?:\$_|\bt)\(\s*`([^`$]+)\$\{/g)) {
    if (![...reference].some((k) => k.startsWith(prefix))) (problems++, console.error(`${file}: unknown prefix ${prefix}`));
  }
}
console.log(problems ? `${problems} problem(s)` : `catalogues agree (${reference.size} keys each)`);
process.exit(problems ? 1 : 0);
