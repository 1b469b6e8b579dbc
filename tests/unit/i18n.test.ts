import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Catalogue = { [key: string]: string | Catalogue };
const load = (lang: string) => JSON.parse(readFileSync(`client/src/i18n/${lang}.json`, 'utf8')) as Catalogue;
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
});
