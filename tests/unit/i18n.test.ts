import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

type Catalogue = { [key: string]: string | Catalogue };
const DIR = 'client/src/i18n';
const catalogueFiles = (lang: string): string[] =>
  readdirSync(DIR).filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`));
/**
 * Every catalogue of one language merged (`en.json`, `forum.en.json`, …), deeply, as
 * svelte-i18n's addMessages does: a feature file may add keys under a top-level key that
 * another file also uses (`moderation` in en.json and moderation.en.json).
 */
const merge = (into: Catalogue, from: Catalogue): Catalogue => {
  for (const [k, v] of Object.entries(from)) {
    const here = into[k];
    into[k] = typeof v === 'object' && typeof here === 'object' ? merge({ ...here }, v) : v;
  }
  return into;
};
const load = (lang: string): Catalogue =>
  catalogueFiles(lang)
    .map((f) => JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')) as Catalogue)
    .reduce<Catalogue>((all, c) => merge(all, c), {});
const flatten = (c: Catalogue, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(c).flatMap(([k, v]) =>
      typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flatten(v, `${prefix}${k}.`)),
    ),
  );

/** The ICU arguments at the top level of a message (plural branch bodies are not arguments). */
const placeholders = (message: string) => {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < message.length; i++) {
    if (message[i] === '{') {
      if (depth === 0) names.push(/^\{\s*(\w+)/.exec(message.slice(i))?.[1] ?? '');
      depth++;
    } else if (message[i] === '}') depth--;
  }
  return names.sort();
};

describe('translation catalogues', () => {
  const en = flatten(load('en'));
  const es = flatten(load('es'));

  it('come in pairs: every English file has a Spanish one', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    const en = files.filter((f) => f === 'en.json' || f.endsWith('.en.json'));
    expect(files.filter((f) => f === 'es.json' || f.endsWith('.es.json')).sort()).toEqual(
      en.map((f) => f.replace(/en\.json$/, 'es.json')).sort(),
    );
  });

  it('never define the same key in two files of one language', () => {
    for (const lang of ['en', 'es']) {
      const owner = new Map<string, string>();
      const clashes: string[] = [];
      for (const file of catalogueFiles(lang)) {
        for (const key of Object.keys(flatten(JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')) as Catalogue))) {
          if (owner.has(key)) clashes.push(`${key}: ${owner.get(key)} and ${file}`);
          owner.set(key, file);
        }
      }
      expect(clashes).toEqual([]);
    }
  });

  it('have the same keys in English and Spanish', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty strings and keep the same placeholders', () => {
    for (const [key, text] of Object.entries(en)) {
      expect(text.trim(), key).not.toBe('');
      expect(es[key]?.trim(), key).not.toBe('');
      expect(placeholders(es[key] ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('have every key the interface asks for', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        return statSync(p).isDirectory() ? sources(p) : /\.(svelte|ts)$/.test(f) ? [p] : [];
      });
    const missing: string[] = [];
    for (const file of sources('client/src')) {
      const text = readFileSync(file, 'utf8');
      for (const [, key] of text.matchAll(/(?:\$_|\bt)\(\s*'([^']+)'/g)) {
        if (!(key! in en)) missing.push(`${file}: ${key}`);
      }
      // Keys built at run time (`roles.${role}`) are checked by their fixed prefix.
      for (const [, prefix] of text.matchAll(/(?:\$_|\bt)\(\s*`([^`$]+)\$\{/g)) {
        if (!Object.keys(en).some((k) => k.startsWith(prefix!))) missing.push(`${file}: ${prefix}…`);
      }
    }
    expect(missing).toEqual([]);
  });
});
