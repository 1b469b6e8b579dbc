import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/record.js';
import type { SettingsStore } from '../../server/settings/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const variant = (
  days: number,
  off: (keyof Settings['publish'])[],
  allowedPersonalInfo: string[] = [],
  backchannelDays = 365,
  followUpDeadlineDays: number | null = null,
  requireRecording = false,
  recordingRetentionDays: number | null = null,
): Settings => ({
  publish: { ...DEFAULT_SETTINGS.publish, ...Object.fromEntries(off.map((k) => [k, false])) },
  guestNameRetentionDays: days,
  allowedPersonalInfo,
  backchannelRetentionDays: backchannelDays,
  followUpDeadlineDays,
  requireRecording,
  recordingRetentionDays,
});

export function describeSettingsStore(name: string, makeStore: MakeStore<SettingsStore>): void {
  describe(`SettingsStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('answers the defaults before anything is stored', async () => {
      expect(await t.store.get()).toEqual(DEFAULT_SETTINGS);
    });

    it('returns what was stored, to this node and to another', async () => {
      const settings = variant(7, ['chat', 'moderation'], [], 365, 14, true, 90);
      expect(await t.store.put(settings)).toEqual(settings);
      expect(await t.store.get()).toEqual(settings);
      expect(await (await t.another()).get()).toEqual(settings);
    });

    it("keeps the department's allowed numbers and addresses, in order", async () => {
      const settings = variant(7, [], ['+1 555 201 3344', 'Calle Mayor 1, Madrid']);
      expect(await t.store.put(settings)).toEqual(settings);
      expect(await (await t.another()).get()).toEqual(settings);
      await t.store.put(variant(7, []));
      expect((await t.store.get()).allowedPersonalInfo).toEqual([]);
    });

    it('replaces the whole settings on each write', async () => {
      await t.store.put(variant(7, ['chat']));
      await t.store.put(variant(0, ['polls'], [], 2, 14));
      expect(await t.store.get()).toEqual(variant(0, ['polls'], [], 2, 14));
      await t.store.put(variant(0, ['polls'], [], 2, null));
      expect((await t.store.get()).followUpDeadlineDays).toBeNull();
    });

    it('leaves exactly one of two racing writes, whole', async () => {
      const a = variant(1, ['questions', 'polls']);
      const b = variant(365, ['captions']);
      const other = await t.another();
      await Promise.all([t.store.put(a), other.put(b)]);
      expect([a, b]).toContainEqual(await t.store.get());
    });

    it('stores only the declared fields', async () => {
      const extra = { ...variant(3, []), colour: 'red' } as Settings;
      expect(await t.store.put(extra)).toEqual(variant(3, []));
      expect(await t.store.get()).toEqual(variant(3, []));
    });

    it('keeps the settings after the storage is reopened', async () => {
      await t.store.put(variant(90, ['captions']));
      expect(await (await t.reopen()).get()).toEqual(variant(90, ['captions']));
    });
  });
}
