// docs/scaling.md shows the nginx configuration that tests/multinode/nginx-tls.browser.test.ts
// runs: the file deploy/nginx/roundtable.conf, as it is. An operator copying from the page gets
// what was tested.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the documented nginx configuration', () => {
  it('is the tested file, verbatim, and the only nginx block in docs/scaling.md', () => {
    const doc = readFileSync('docs/scaling.md', 'utf8');
    const blocks = [...doc.matchAll(/^```nginx\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    expect(blocks).toEqual([readFileSync('deploy/nginx/roundtable.conf', 'utf8')]);
  });
});
