// The production start: `npm run build` bundles the server into dist/server/main.js, and
// `npm start` runs that with Node alone, as package.json says (no TypeScript loader at run time).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { connectTo, guestAt, startNode, type NodeProcess } from '../support/nodes.js';
import { command } from '../support/server.js';

describe('the built server', () => {
  let node: NodeProcess | undefined;
  afterAll(() => node?.stop());

  it('builds with npm run build:server and runs under node as npm start runs it', async () => {
    const built = spawnSync('npm', ['run', '--silent', 'build:server'], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
    const [runtime, ...args] = start.split(' ');
    expect(runtime).toBe('node');
    expect(args.some((a) => a.includes('tsx'))).toBe(false);
    node = await startNode({ entry: args });
    expect(await (await fetch(`${node.url}/healthz`)).json()).toEqual({ ok: true });
    const socket = await connectTo(node.url, await guestAt(node.url, 'Rosa'));
    try {
      // A command runs end to end: authenticated, parsed, and refused with its code.
      expect(await command(socket, 'townhall:join', { townHallId: 'AAAAAAAAAAAAAAAA' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      socket.disconnect();
    }
  }, 60_000);
});
