import { remove as foldConfusables } from 'confusables';

/**
 * Words that claim a police rank or a staff role, in English and Spanish (abbreviations
 * included). Only staff accounts are marked as staff on screen, so a guest or resident may not
 * take a name that starts with one of these, whether or not a staff member by that name
 * exists: "Officer Smith" reads as an officer to everyone in the room.
 */
const TITLE_WORDS = [
  'officer', 'ofc', 'sgt', 'sergeant', 'lt', 'lieutenant', 'capt', 'cpt', 'captain', 'chief',
  'detective', 'det', 'deputy', 'cmdr', 'commander', 'inspector', 'insp', 'sheriff', 'marshal',
  'corporal', 'cpl', 'trooper', 'constable', 'superintendent', 'supt', 'commissioner', 'agent',
  'police', 'cop', 'staff', 'moderator', 'mod', 'admin', 'administrator',
  'policia', 'oficial', 'sargento', 'teniente', 'capitan', 'jefe', 'agente', 'comandante',
  'comisario', 'inspectora', 'moderador', 'moderadora', 'administrador', 'administradora',
];

// Characters that pass for one another in common fonts once case is gone: i, l, 1 and | in
// sans-serif; 0 and o; "rn" and "m"; "vv" and "w". Both sides of every comparison go through
// the same folding, so a fold only has to be consistent, not linguistically right.
const LOOK_ALIKE: [RegExp, string][] = [
  [/[il1|]/g, 'l'],
  [/0/g, 'o'],
  [/rn/g, 'm'],
  [/vv/g, 'w'],
];

/**
 * A name reduced to what a reader sees: Unicode look-alikes folded to their Latin letter
 * (Cyrillic "а" to "a", full-width letters to ASCII), accents removed, lower-cased, look-alike
 * letters merged, and punctuation and runs of spaces collapsed to one space. Two names with the
 * same skeleton read the same on screen.
 */
export function skeleton(name: string): string {
  let s = foldConfusables(name.normalize('NFKC')).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  for (const [pattern, to] of LOOK_ALIKE) s = s.replace(pattern, to);
  return s.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

const TITLES = new Set(TITLE_WORDS.map(skeleton));
const words = (s: string): string[] => (s === '' ? [] : s.split(' '));
const compact = (ws: string[]): string => ws.join('');

/** A staff name prepared once for comparisons. */
export interface StaffName {
  /** The whole name without spaces ("sgtdanareyes"), so "Dana Reyes" and "DanaReyes" match. */
  whole: string;
  /** The name without rank words ("danareyes"), and how many words it has. */
  core: string;
  coreWords: number;
}

export function staffName(displayName: string): StaffName {
  const ws = words(skeleton(displayName));
  const core = ws.filter((w) => !TITLES.has(w));
  return { whole: compact(ws), core: compact(core), coreWords: core.length };
}

/**
 * Whether a guest's or resident's chosen name could pass for staff. Refused are names that
 * - start with a rank or role word ("Officer Smith", "Sgt. Anyone", "Policía Local");
 * - read the same as a staff member's name ("dana  REYES", "Dаna Reyes" with a Cyrillic а);
 * - read the same as a staff member's full name without the rank ("Dana Reyes" beside
 *   "Sgt. Dana Reyes"); a single word ("Reyes" beside "Sgt. Reyes") is a common enough name
 *   that it stays allowed;
 * - contain a staff member's name together with a rank word anywhere ("Dana Reyes, officer").
 */
export function impersonatesStaff(displayName: string, staff: readonly StaffName[]): boolean {
  const ws = words(skeleton(displayName));
  if (ws.length === 0) return false;
  if (TITLES.has(ws[0]!)) return true;
  const whole = compact(ws);
  const core = compact(ws.filter((w) => !TITLES.has(w)));
  const titled = ws.some((w) => TITLES.has(w));
  return staff.some(
    (s) =>
      (s.whole !== '' && whole === s.whole) ||
      (s.coreWords >= 2 && core === s.core) ||
      (titled && s.core !== '' && whole.includes(s.core)),
  );
}

export const STAFF_NAME_MESSAGE = "This name is too close to a staff member's name; please choose another.";
