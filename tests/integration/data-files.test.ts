// What the server keeps on disk (the database, the signing secret, the demo passwords) is
// readable by the user it runs as and nobody else, including files an older version left.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo.js';
import { resolveSecret } from '../../server/secret.js';
import { openStores } from '../../server/stores.js';
import { startTestServer } from '../support/server.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;
const scratch = () => mkdtempSync(path.join(tmpdir(), 'rt-files-'));

describe('data files', () => {
  it('keeps the SQLite database and its -wal and -shm files at 0600, in a folder at 0700', async () => {
    const dataDir = path.join(scratch(), 'data');
    const file = path.join(dataDir, 'roundtable.db');
    const stores = await openStores({ kind: 'sqlite', file });
    try {
      await stores.settings.get();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(f), f).toBe(true);
        expect(modeOf(f).toString(8), f).toBe('600');
      }
      expect(modeOf(dataDir).toString(8)).toBe('700');
    } finally {
      await stores.close();
    }
  });

  it('narrows a database and a data folder an older version left readable by all', async () => {
    const dataDir = path.join(scratch(), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const file = path.join(dataDir, 'roundtable.db');
    await (await openStores({ kind: 'sqlite', file })).close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) writeFileSync(f, '', { flag: 'a' }), chmodSync(f, 0o644);
    const stores = await openStores({ kind: 'sqlite', file });
    await stores.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) expect(modeOf(f).toString(8), f).toBe('600');
    expect(modeOf(dataDir).toString(8)).toBe('700');
  });

  it('writes the generated secret at 0600 in a folder at 0700, and narrows an old one', () => {
    const dataDir = path.join(scratch(), 'data');
    const secret = resolveSecret(null, dataDir);
    expect(modeOf(path.join(dataDir, 'secret.key')).toString(8)).toBe('600');
    expect(modeOf(dataDir).toString(8)).toBe('700');

    chmodSync(path.join(dataDir, 'secret.key'), 0o644);
    chmodSync(dataDir, 0o755);
    expect(resolveSecret(null, dataDir)).toBe(secret);
    expect(modeOf(path.join(dataDir, 'secret.key')).toString(8)).toBe('600');
    expect(modeOf(dataDir).toString(8)).toBe('700');
  });

  it('writes the demo logins at 0600, and narrows an old file', async () => {
    const server = await startTestServer();
    const dataDir = path.join(scratch(), 'data');
    try {
      await seedDemo(server.app, server.stores, dataDir);
      const file = path.join(dataDir, 'demo-logins.json');
      expect(modeOf(file).toString(8)).toBe('600');
      expect(modeOf(dataDir).toString(8)).toBe('700');
      chmodSync(file, 0o644);
      await seedDemo(server.app, server.stores, dataDir);
      expect(modeOf(file).toString(8)).toBe('600');
    } finally {
      await server.close();
    }
  });
});
