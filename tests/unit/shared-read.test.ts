import { describe, expect, it } from 'vitest';
import { sharedReads } from '../../server/core/shared-read.js';

describe('a read of a room shared by joins until the room next changes', () => {
  // A store and a room version the test moves by hand, counting how often the store is read.
  function setup() {
    const s = { value: 0, reads: 0, version: 0, gate: Promise.resolve(), fail: false };
    const read = sharedReads(
      async (key: string) => {
        s.reads++;
        const value = s.value;
        if (s.fail) throw new Error('store down');
        await s.gate;
        return `${key}:${value}`;
      },
      () => s.version,
    );
    return { s, read };
  }

  it('reads once per room for every join while nothing is sent to it', async () => {
    const { s, read } = setup();
    expect(await Promise.all([read('a'), read('a'), read('b')])).toEqual(['a:0', 'a:0', 'b:0']);
    expect(await read('a')).toBe('a:0');
    expect(s.reads).toBe(2);
  });

  it('reads afresh once something was sent to the room, even while the older read is under way', async () => {
    const { s, read } = setup();
    let open = () => {};
    s.gate = new Promise((resolve) => (open = resolve));
    const first = read('a');
    // A change is committed and sent to the room before the next joiner asks: it was not in the
    // room to receive it, so it must not be handed the read that started before the change.
    s.value = 1;
    s.version = 1;
    const second = read('a');
    open();
    expect([await first, await second]).toEqual(['a:0', 'a:1']);
    expect(s.reads).toBe(2);
  });

  it('shares a failed read with those waiting on it, and reads again for the next', async () => {
    const { s, read } = setup();
    s.fail = true;
    const both = await Promise.allSettled([read('a'), read('a')]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(s.reads).toBe(1);
    s.fail = false;
    await expect(read('a')).resolves.toBe('a:0');
    expect(s.reads).toBe(2);
  });
});
