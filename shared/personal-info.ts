// Screening for personal information: one pure detector that the server holds content with and
// the browser warns the author with before sending, so the two never disagree.
//
// Written as patterns because no phone or address library is installed here; `findPhones` is
// the one place libphonenumber-js's `findNumbers(text, { defaultCountry })` would replace (it
// would add country-aware validation, not change what the rest of this file does).

/** What personal information a text seems to hold. */
export type PersonalInfoKind = 'phone' | 'email' | 'address' | 'id-number' | 'plate-with-name';

export const PERSONAL_INFO_KINDS: readonly PersonalInfoKind[] = ['phone', 'email', 'address', 'id-number', 'plate-with-name'];

export interface PersonalInfoHit {
  kind: PersonalInfoKind;
  /** UTF-16 offsets of the match in the text, end exclusive. */
  start: number;
  end: number;
}

/** Entries the department may allow (its own public numbers and addresses). */
export const ALLOWED_PERSONAL_INFO_LIMITS = { entries: 50, length: 200 } as const;

// ---- normalising ----------------------------------------------------------------------------

const stripAccents = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '');
const digitsOf = (s: string): string => s.replace(/\D/g, '');

// Street words written in full or short compare as one.
const STREET_WORDS: Record<string, string> = {
  street: 'st', st: 'st', avenue: 'av', ave: 'av', av: 'av', avda: 'av', avenida: 'av', road: 'rd', rd: 'rd',
  boulevard: 'blvd', blvd: 'blvd', drive: 'dr', dr: 'dr', lane: 'ln', ln: 'ln', court: 'ct', ct: 'ct',
  place: 'pl', pl: 'pl', calle: 'c', c: 'c', plaza: 'pza', pza: 'pza', paseo: 'po', po: 'po',
  carretera: 'ctra', ctra: 'ctra', numero: 'n', no: 'n', n: 'n', num: 'n',
};

/** Lower case, no accents, punctuation dropped, street words shortened: "Av. de la Constitución, 45" → "av de la constitucion 45". */
function addressWords(s: string): string {
  return stripAccents(s.toLowerCase())
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => STREET_WORDS[w] ?? w)
    .join(' ');
}

/** Whether a hit is one of the department's own allowed numbers or addresses. */
function isAllowed(kind: PersonalInfoKind, found: string, allowed: readonly string[]): boolean {
  if (kind === 'phone') {
    const digits = digitsOf(found);
    // A country code written or not: the longer ends with the shorter (at least 7 digits).
    return allowed.some((a) => {
      const d = digitsOf(a);
      return d.length >= 7 && digits.length >= 7 && (d.endsWith(digits) || digits.endsWith(d));
    });
  }
  if (kind === 'email') return allowed.some((a) => a.trim().toLowerCase() === found.toLowerCase());
  if (kind === 'address') {
    const words = addressWords(found);
    return allowed.some((a) => {
      const entry = addressWords(a);
      return entry.length > 0 && (` ${entry} `.includes(` ${words} `) || ` ${words} `.includes(` ${entry} `));
    });
  }
  return false;
}

// ---- the patterns ---------------------------------------------------------------------------

// Either case for the first letter only: a name after the word must be capitalised, which the
// regular expression's own `i` flag would undo (it makes \\p{Lu} match any letter).
const anyCase = (word: string) => `[${word[0]!.toUpperCase()}${word[0]}]${word.slice(1)}`;

// Words that introduce a number as a phone number, so a shorter one still counts.
const PHONE_CUE = /(?:\b(?:call|text|phone|cell|mobile|tel|telephone|number|whatsapp|ring)\b|\b(?:llam\w*|tel[eé]fono|m[oó]vil|celular|n[uú]mero|whatsapp|tlf|tfno)\b)[^.?!\n]{0,20}$/i;

// A run of digits with the separators phone numbers use (no commas or slashes: amounts and dates).
const DIGIT_RUN = /(?<![\w+.,/:-])(?:\+|00)?\(?\d[\d().\s-]*\d(?![\w])/g;

/** Amounts with thousands separators ("1.500.000"), a range of years, an IPv4 address. */
const NOT_A_PHONE = /^\d{1,3}(?:\.\d{3})+$|^\d{4}\s*-\s*\d{2,4}$|^\d{1,3}(?:\.\d{1,3}){3}$/;
// "1 200 000" is an amount; "612 345 678" is a Spanish phone number.
const SPACED_AMOUNT = /^\d{1,3}(?: \d{3})+$/;

function findPhones(text: string): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    let run = m[0].trimEnd().replace(/[.(-]+$/, '');
    const start = m.index;
    // Digit groups too long for a phone ("2023 450000") are two numbers, not one.
    const groups = run.split(/[^\d]+/).filter(Boolean);
    const digits = groups.join('');
    if (NOT_A_PHONE.test(run)) continue;
    if (SPACED_AMOUNT.test(run) && !/^[6789]\d{8}$/.test(digits)) continue;
    const international = /^(?:\+|00)/.test(run);
    const separated = groups.length > 1;
    // A long run joined only by single spaces is usually several numbers in a sentence.
    if (groups.length > 1 && !/[-().]/.test(run) && groups.some((g) => g.length > 4) && groups.length > 2) continue;
    const cued = PHONE_CUE.test(text.slice(Math.max(0, start - 40), start));
    let phone = false;
    if (international) phone = digits.length >= 8 && digits.length <= 15;
    else if (digits.length >= 9 && digits.length <= 13) phone = separated || /^[6789]\d{8}$|^\d{10,11}$/.test(digits);
    // "555-0134" is a local number; with a cue, any 7 or 8 digits are.
    else if (digits.length === 7 || digits.length === 8) phone = cued || /^\d{3}[-.\s]\d{4}$/.test(run);
    if (phone) found.push({ start, end: start + run.length });
  }
  return found;
}

// Each starts only where a run of its characters starts, so a long run is scanned once, not
// once from every position in it.
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// Spelled out to get past a filter: "john dot smith at gmail dot com", "juan arroba gmail punto com".
const SPELLED_DOT = '(?:\\s+(?:dot|punto)\\s+|\\s*\\[(?:dot|punto)\\]\\s*|\\s*\\((?:dot|punto)\\)\\s*|\\.)';
const SPELLED_AT = '(?:\\s+(?:at|arroba)\\s+|\\s*\\[(?:at|arroba)\\]\\s*|\\s*\\((?:at|arroba)\\)\\s*)';
const SPELLED_EMAIL = new RegExp(
  `(?<![\\p{L}\\p{N}_.-])[\\p{L}\\p{N}_-]+(?:${SPELLED_DOT}[\\p{L}\\p{N}_-]+){0,3}${SPELLED_AT}[\\p{L}\\p{N}-]+${SPELLED_DOT}(?:com|net|org|es|edu|gov|mx|co|info|io)(?![\\p{L}])`,
  'giu',
);

// English: "42 Oak Street", "1600 N. Pennsylvania Ave", "42 Oak St., apt 3".
const EN_STREET =
  '(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|crescent|close)';
const EN_NAME_WORD = "(?!(?:on|in|at|near|by|the|of|and|to|from|for|officers?|cars?|blocks?|people|times|minutes|hours|days|years|units|calls|police|patrols?|cops?|miles|streets|houses|homes)\\b)[\\p{L}][\\p{L}'-]*";
const EN_ADDRESS = new RegExp(
  `\\b\\d{1,6}[A-Za-z]?\\s+(?:[NSEW]\\.?\\s+|(?:north|south|east|west)\\s+)?(?:${EN_NAME_WORD}\\s+|\\d{1,3}(?:st|nd|rd|th)\\s+){1,3}${EN_STREET}\\b\\.?`,
  'giu',
);
// "Oak Street, apartment 3", "Elm St apt 4B": a street with a flat, even without a house number.
const EN_FLAT = new RegExp(`\\b[\\p{L}][\\p{L}'-]*\\s+${EN_STREET}\\b\\.?,?\\s+(?:apartment|apt\\.?|unit|suite|flat|#)\\s*\\d+[A-Za-z]?\\b`, 'giu');

// Spanish: "Calle Mayor 12, 3º B", "Av. de la Constitución 45", "C/ Alcalá, nº 20", "Plaza Mayor, 3".
const ES_STREET = `(?:(?:${['calle', 'avenida', 'paseo', 'plaza', 'camino', 'carretera', 'ronda', 'travesía', 'travesia', 'glorieta', 'callejón', 'pasaje', 'urbanización', 'rambla']
  .map(anyCase)
  .join('|')})(?![\\p{L}])|(?:${['avda', 'av', 'pza', 'ctra', 'urb', 'pº'].map(anyCase).join('|')})(?:\\.|(?![\\p{L}]))|[Cc]/)`;
const ES_NAME = "(?:(?:de|del|la|las|los|el|y)\\s+)*(?!(?:de|del|la|las|los|el|y)\\s)[\\p{Lu}\\p{Ll}][\\p{L}'.-]*(?:\\s+(?:(?:de|del|la|las|los|el|y)\\s+)*[\\p{Lu}][\\p{L}'.-]*){0,3}";
const ES_ADDRESS = new RegExp(
  `(?<![\\p{L}])${ES_STREET}\\s*${ES_NAME}\\s*,?\\s*(?:n[º°o]?\\.?\\s*|n[uú]mero\\s+)?\\d{1,4}(?:\\s*[-,]?\\s*\\d{1,2}\\s*[º°ª]\\s*[A-Za-z]?\\b|\\s*,?\\s*(?:piso|puerta|bajo|portal|esc\\.?)\\s*\\w+)?(?![\\d\\p{L}])`,
  'gu',
);
// "el portal 5, 2º izquierda" and the like: a floor and a door are an address on their own.
const ES_FLOOR = /(?<![\p{L}\d])\d{1,2}\s*[º°ª]\s*(?:[A-D]|izq(?:uierda|da)?\.?|dcha\.?|derecha|centro)(?![\p{L}])/giu;

// Identity numbers. DNI: 8 digits and a letter; NIE: X/Y/Z, 7 digits and a letter; SSN-like 3-2-4.
const DNI = /(?<![\p{L}\d])\d{8}\s?-?\s?[A-HJ-NP-TV-Z](?![\p{L}\d])/gu;
const NIE = /(?<![\p{L}\d])[XYZ]\s?-?\d{7}\s?-?[A-HJ-NP-TV-Z](?![\p{L}\d])/gu;
const SSN = /(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])/g;
// A number named as an identity document: "driver's licence D1234567", "pasaporte PAA123456".
const ID_CUE = new RegExp(
  [
    "driver'?s?\\s+licen[cs]e(?:\\s+(?:number|no\\.?|#))?",
    'licen[cs]e,?\\s+(?:the\\s+)?(?:number|no\\.?|#)',
    '(?:licen[cs]e|passport|social\\s+security|ssn|id|identification|badge)\\s*(?:number|no\\.?|#|num)',
    'passport',
    'ssn',
    '(?:carn[eé]t?|permiso|licencia)\\s+de\\s+conducir',
    'pasaporte',
    'n[uú]mero\\s+de\\s+(?:la\\s+)?(?:seguridad\\s+social|identificaci[oó]n|documento|licencia|pasaporte|dni|nie)',
    'dni',
    'nie',
    'nif',
    'seguridad\\s+social',
    'documento\\s+de\\s+identidad',
  ].join('|'),
  'i',
);
// Each part of the number holds a digit, so the words after it are not taken for it.
const ID_AFTER_CUE = new RegExp(
  `\\b(?:${ID_CUE.source})\\b\\s*(?:is|es|:|#|n[º°o]\\.?|number|número)?\\s*([A-Z]*\\d[A-Z0-9]*(?:[ -][A-Z]*\\d[A-Z0-9]*){0,5})(?![\\p{L}\\d])`,
  'giu',
);
// Not inside a longer dashed run (a UUID).
const CARD = /(?<![\d-])\d{4}(?:[ -]?\d{4}){3}(?![\d-])/g;

// Licence plates: Spanish "1234 BCD" and "M-1234-AB"; common US shapes "ABC 1234", "7ABC123".
const PLATE = /(?<![\p{L}\d])(?:\d{4}[ -]?[BCDFGHJKLMNPRSTVWXYZ]{3}|[A-Z]{1,2}-?\d{4}-?[A-Z]{1,2}|[A-Z]{3}[ -]?\d{3,4}|\d[A-Z]{3}\d{3}|[A-Z]{2}\d[ -]?[A-Z]{3})(?![\p{L}\d])/gu;
const PLATE_CUE = /\b(?:plates?|tags?|licen[cs]e\s+plate|matr[ií]cula|placas?|patente)\b[^.?!\n]{0,12}?\b([A-Z0-9]{2,4}[ -]?[A-Z0-9]{2,4}(?:[ -]?[A-Z0-9]{1,3})?)\b/giu;

// A name beside a plate: two capitalised words that are not place or calendar words, or one
// after a word that introduces a person.
const NOT_NAME = new Set(
  (
    'the a an i is are was why what when where who how does do can will police department officer officers station street avenue ' +
    'road calle avenida plaza paseo monday tuesday wednesday thursday friday saturday sunday january february march april may june ' +
    'july august september october november december lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril ' +
    'mayo junio julio agosto septiembre octubre noviembre diciembre el la los las un una por qué quién cuándo dónde cómo hay policía ' +
    'comisaría agente agentes mayor main oak elm ford toyota honda tesla seat renault nissan chevy chevrolet bmw audi volkswagen kia ' +
    'hyundai dodge jeep peugeot citroen fiat opel mercedes gmc ram subaru mazda red blue white black grey gray silver green rojo azul ' +
    'blanco negro gris verde plate matrícula my mi our nuestro this that este esta ese esa my and y in en on of de del at to for ' +
    'park parque city ciudad county condado north south east west norte sur este oeste new nueva san santa'
  ).split(' '),
);
const PERSON_WORDS = (
  'named called officer sergeant sgt detective deputy owner driver neighbour neighbor mr mrs ms dr agente sargento señor señora ' +
  'señorita sr sra srta don doña llamado llamada dueño dueña conductor conductora vecino vecina propietario propietaria de'
).split(' ');
const PERSON_CUE = new RegExp(
  `(?<![\\p{L}])(?:${PERSON_WORDS.map(anyCase).join('|')}|owned\\s+by|belongs\\s+to|driven\\s+by|se\\s+llama)\\.?\\s+([\\p{Lu}][\\p{Ll}'-]+)`,
  'gu',
);
const CAPITALISED = /(?<![\p{L}])([\p{Lu}][\p{Ll}'-]+)\s+([\p{Lu}][\p{Ll}'-]+)(?![\p{L}])/gu;

function hasName(text: string): boolean {
  const isName = (word = '') => !NOT_NAME.has(word.toLowerCase());
  for (const m of text.matchAll(PERSON_CUE)) if (isName(m[1])) return true;
  for (const m of text.matchAll(CAPITALISED)) if (isName(m[1]) && isName(m[2])) return true;
  return false;
}

function findPlates(text: string): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(PLATE)) found.push({ start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(PLATE_CUE)) {
    const plate = m[1] ?? '';
    // A cue's plate must mix letters and digits, so "plates on Friday" is not one.
    if (!/\d/.test(plate) || !/\p{L}/u.test(plate)) continue;
    const start = m.index + m[0].length - plate.length;
    found.push({ start, end: start + plate.length });
  }
  return found;
}

function collect(text: string, pattern: RegExp, kind: PersonalInfoKind, into: PersonalInfoHit[]): void {
  for (const m of text.matchAll(pattern)) {
    const value = m[1] ?? m[0];
    const start = m.index + m[0].lastIndexOf(value);
    into.push({ kind, start, end: start + value.length });
  }
}

/**
 * Every piece of personal information the text seems to hold, in order of where it starts, less
 * the department's own allowed numbers and addresses. Overlapping matches of one kind are joined.
 */
export function findPersonalInfo(text: string, allowed: readonly string[] = []): PersonalInfoHit[] {
  const hits: PersonalInfoHit[] = [];
  collect(text, EMAIL, 'email', hits);
  collect(text, SPELLED_EMAIL, 'email', hits);
  collect(text, SSN, 'id-number', hits);
  collect(text, DNI, 'id-number', hits);
  collect(text, NIE, 'id-number', hits);
  collect(text, CARD, 'id-number', hits);
  collect(text, ID_AFTER_CUE, 'id-number', hits);
  collect(text, EN_ADDRESS, 'address', hits);
  collect(text, EN_FLAT, 'address', hits);
  collect(text, ES_ADDRESS, 'address', hits);
  collect(text, ES_FLOOR, 'address', hits);
  const taken = (s: number, e: number) => hits.some((h) => h.start < e && s < h.end);
  // A digit run inside an e-mail, an identity number or an address is not a phone number as well.
  for (const p of findPhones(text)) if (!taken(p.start, p.end)) hits.push({ kind: 'phone', ...p });
  const plates = findPlates(text).filter((p) => !taken(p.start, p.end));
  if (plates.length && hasName(text)) for (const p of plates) hits.push({ kind: 'plate-with-name', ...p });

  const kept = hits
    .filter((h) => !isAllowed(h.kind, text.slice(h.start, h.end), allowed))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PersonalInfoHit[] = [];
  for (const h of kept) {
    const before = merged.findLast((o) => o.kind === h.kind);
    if (before && h.start < before.end) before.end = Math.max(before.end, h.end);
    else merged.push({ ...h });
  }
  return merged;
}

/** The kinds found, each once, in the order of PERSONAL_INFO_KINDS: what the author is told. */
export function personalInfoKinds(text: string, allowed: readonly string[] = []): PersonalInfoKind[] {
  const found = new Set(findPersonalInfo(text, allowed).map((h) => h.kind));
  return PERSONAL_INFO_KINDS.filter((k) => found.has(k));
}
