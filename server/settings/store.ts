import { DEFAULT_SETTINGS, Settings } from '../../shared/record.js';

/**
 * The site's settings, kept by admins.
 *
 * Invariants (tests/stores/settings.contract.ts runs them on both implementations):
 * - `get` answers the defaults until something is stored, and what was last stored after;
 * - `put` replaces the whole settings at once: a reader never sees half of two writes;
 * - a stored value missing a field added later reads as that field's default, so new settings
 *   need no migration;
 * - every method resolves only after its write is stored.
 */
export interface SettingsStore {
  get(): Promise<Settings>;
  put(settings: Settings): Promise<Settings>;
}

/** What both implementations store: exactly the declared fields, as JSON. */
export const settingsJson = (s: Settings): string =>
  JSON.stringify({
    publish: { ...s.publish },
    guestNameRetentionDays: s.guestNameRetentionDays,
    allowedPersonalInfo: [...s.allowedPersonalInfo],
    backchannelRetentionDays: s.backchannelRetentionDays,
    followUpDeadlineDays: s.followUpDeadlineDays,
    requireRecording: s.requireRecording,
    recordingRetentionDays: s.recordingRetentionDays,
  } satisfies Settings);

/** Stored JSON read back over the defaults; anything unreadable falls back to them. */
export function settingsFrom(json: string | null | undefined): Settings {
  if (!json) return structuredClone(DEFAULT_SETTINGS);
  let stored: Partial<Settings>;
  try {
    stored = JSON.parse(json) as Partial<Settings>;
  } catch {
    return structuredClone(DEFAULT_SETTINGS);
  }
  const merged = Settings.safeParse({
    publish: { ...DEFAULT_SETTINGS.publish, ...stored.publish },
    guestNameRetentionDays: stored.guestNameRetentionDays ?? DEFAULT_SETTINGS.guestNameRetentionDays,
    allowedPersonalInfo: stored.allowedPersonalInfo ?? DEFAULT_SETTINGS.allowedPersonalInfo,
    backchannelRetentionDays: stored.backchannelRetentionDays ?? DEFAULT_SETTINGS.backchannelRetentionDays,
    followUpDeadlineDays: stored.followUpDeadlineDays ?? DEFAULT_SETTINGS.followUpDeadlineDays,
    requireRecording: stored.requireRecording ?? DEFAULT_SETTINGS.requireRecording,
    recordingRetentionDays: stored.recordingRetentionDays ?? DEFAULT_SETTINGS.recordingRetentionDays,
  });
  return merged.success ? merged.data : structuredClone(DEFAULT_SETTINGS);
}
