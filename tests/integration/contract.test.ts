// The machine-readable contract is made from the schemas the server checks payloads with, and
// the committed document and the prose must name the same commands the server answers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildContract, CONTRACT_FILE, renderContract, type Contract } from '../../server/contract.js';

describe('the machine-readable contract', () => {
  let contract: Contract;
  const built = async () => (contract ??= await buildContract());

  it('matches docs/contract.json, so the document cannot drift from the code (`npm run contract` rewrites it)', async () => {
    expect(readFileSync(CONTRACT_FILE, 'utf8')).toBe(renderContract(await built()));
  });

  it('describes every payload as the server checks it', async () => {
    const { commands } = await built();
    expect(commands['qa:ask']?.payload).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['townHallId', 'text']),
      additionalProperties: false,
    });
    expect(commands['poll:create']).toBeDefined();
    expect(commands['mod:reveal-author']).toBeDefined();
  });

  it('names in docs/protocol.md every command the server answers, and no command it does not', async () => {
    const { commands } = await built();
    const prose = readFileSync('docs/protocol.md', 'utf8');
    const missing = Object.keys(commands).filter((name) => !prose.includes(`\`${name}\``));
    expect(missing).toEqual([]);
    // Every command in the "who may do what" table exists.
    const table = prose.slice(prose.indexOf('## 11. Who may do what'));
    const named = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z]+:[a-z-]+)`/g)].map((n) => n[1]!));
    const unknown = named.filter((name) => !(name in commands));
    expect(unknown).toEqual([]);
  });
});
