import { describe, expect, it } from 'vitest';
import { impersonatesStaff, skeleton, staffName } from '../../server/identity/names.js';

describe('name skeletons', () => {
  it('folds case, spacing and punctuation', () => {
    expect(skeleton('  dana   REYES ')).toBe(skeleton('Dana Reyes'));
    expect(skeleton('Sgt. Dana-Reyes!')).toBe(skeleton('sgt dana reyes'));
  });

  it('folds look-alike letters from other scripts and full-width forms', () => {
    expect(skeleton('Dаna Reyes')).toBe(skeleton('Dana Reyes')); // Cyrillic а
    expect(skeleton('Ｄａｎａ Ｒｅｙｅｓ')).toBe(skeleton('Dana Reyes'));
    expect(skeleton('Dana Rеуes')).toBe(skeleton('Dana Reyes')); // Cyrillic е and у
  });

  it('folds letters and digits that pass for one another', () => {
    expect(skeleton('0fficer')).toBe(skeleton('Officer'));
    expect(skeleton('Ilana')).toBe(skeleton('llana'));
    expect(skeleton('Vernon')).toBe(skeleton('Vemon'));
    expect(skeleton('Vvong')).toBe(skeleton('Wong'));
  });

  it('removes Spanish accents', () => {
    expect(skeleton('Capitán José Núñez')).toBe(skeleton('capitan jose nunez'));
    expect(skeleton('Policía')).toBe(skeleton('policia'));
  });

  it('keeps letters of other scripts rather than erasing them', () => {
    expect(skeleton('王伟')).not.toBe('');
    expect(skeleton('王伟')).not.toBe(skeleton('李娜'));
  });
});

describe('names that pass for staff', () => {
  const staff = ['Sgt. Dana Reyes', 'Lt. Okafor', 'Mod Sam', 'Maria Lopez'].map(staffName);
  const refused = (name: string) => impersonatesStaff(name, staff);

  it('refuses a staff member’s name and its look-alikes', () => {
    for (const name of ['Sgt. Dana Reyes', 'sgt dana reyes', 'SGT DANA REYES', 'Sgt Dаna Reyes', 'Lt Okafor', 'Maria López', 'maria  LOPEZ', 'MariaLopez']) {
      expect(refused(name), name).toBe(true);
    }
  });

  it('refuses a staff member’s full name without the rank', () => {
    for (const name of ['Dana Reyes', 'dana  REYES', 'Dаna Reyes', 'Dána Réyes']) expect(refused(name), name).toBe(true);
  });

  it('refuses a staff member’s name with a rank word anywhere in it', () => {
    expect(refused('Dana Reyes, officer')).toBe(true);
    expect(refused('Okafor the lieutenant')).toBe(true);
  });

  it('refuses any name that starts with a rank or role word, in English or Spanish', () => {
    for (const name of ['Officer Smith', 'Ofc. Smith', '0fficer Smith', 'Detective Brown', 'Admin', 'Moderator Team', 'Policía Local', 'Sargento Gómez', 'Capitán Ruiz', 'Teniente Vega', 'Jefe', 'Agente Díaz']) {
      expect(refused(name), name).toBe(true);
    }
  });

  it('allows ordinary names, including one word of a staff member’s name', () => {
    for (const name of ['Rosa', 'Maria G.', 'Reyes', 'Okafor', 'Sam', 'Sam from Ward 3', 'Not an admin', 'Dana', 'José Núñez', '王伟']) {
      expect(refused(name), name).toBe(false);
    }
  });
});
