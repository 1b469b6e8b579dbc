// The server's V8 flags and allocator settings are written where people start it: package.json's
// `start`, the demo, and the systemd unit and example in the docs. The bench reads them from
// package.json; these tests keep the other copies the same, so a change to one cannot leave a
// deployment (or the figures in docs/performance.md) running with different settings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageStartSettings, startSettings } from '../../bench/crowd/start-settings.js';

const start = packageStartSettings();
const read = (file: string) => readFileSync(file, 'utf8');
/** The runtime options of a node command line. */
const runtimeFlags = (line: string) => startSettings(line.slice(line.indexOf('node'))).flags;

describe("npm start's runtime settings", () => {
  it('tune V8 and the allocator (what the crowd figures were measured with)', () => {
    expect(start.flags).toEqual(expect.arrayContaining(['--max-semi-space-size=64', '--single-threaded-gc']));
    expect(start.env).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' });
  });

  it('are the demo’s', () => {
    const demo = read('scripts/demo.sh');
    const exported = /^export (MALLOC_ARENA_MAX=.*)$/m.exec(demo)![1]!;
    expect(startSettings(`${exported} node`).env).toEqual(start.env);
    expect(runtimeFlags(/^exec node .*$/m.exec(demo)![0])).toEqual(start.flags);
  });

  it('are the documented systemd unit’s and its example in docs/scaling.md', () => {
    const operations = read('docs/operations.md');
    const environment = /^Environment=(MALLOC_ARENA_MAX=.*)$/m.exec(operations)![1]!;
    expect(startSettings(`${environment} node`).env).toEqual(start.env);
    expect(runtimeFlags(/^ExecStart=\/usr\/bin\/node .*$/m.exec(operations)![0])).toEqual(start.flags);
    const example = /`ExecStart=(\/usr\/bin\/node [^`]*)`/.exec(read('docs/scaling.md'))![1]!;
    expect(runtimeFlags(example)).toEqual(start.flags);
  });

  it('refuse a start script that does not run node', () => {
    expect(() => startSettings('tsx server/main.ts')).toThrow(/does not run node/);
  });
});
