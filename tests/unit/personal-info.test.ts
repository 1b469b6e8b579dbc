import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findPersonalInfo, personalInfoKinds } from '../../shared/personal-info.js';
import { measureScreening, type ScreeningSamples } from '../support/screening-samples.js';

const found = (text: string, allowed: string[] = []) => findPersonalInfo(text, allowed).map((h) => [h.kind, text.slice(h.start, h.end)]);

describe('personal-information detector', () => {
  it('finds phone numbers in American, Spanish and international shapes', () => {
    expect(found('call 555-201-3344 now')).toEqual([['phone', '555-201-3344']]);
    expect(found('mi móvil es 612 345 678')).toEqual([['phone', '612 345 678']]);
    expect(found('is +34 622 11 22 33 yours?')).toEqual([['phone', '+34 622 11 22 33']]);
    expect(found('(312) 555-0187 is his')).toEqual([['phone', '(312) 555-0187']]);
    expect(found('call my mom at 5550134')).toEqual([['phone', '5550134']]);
  });

  it('finds e-mail addresses, spelled out ones too', () => {
    expect(found('write to jane.doe@gmail.com')).toEqual([['email', 'jane.doe@gmail.com']]);
    expect(personalInfoKinds('kevin dot brown at gmail dot com')).toEqual(['email']);
    expect(personalInfoKinds('carlos arroba gmail punto com')).toEqual(['email']);
  });

  it('finds street addresses in English and Spanish formats', () => {
    expect(found('he lives at 42 Oak Street, apartment 3?')).toEqual([['address', '42 Oak Street, apartment 3']]);
    expect(found('my ex lives on Chestnut Street, apartment 4')).toEqual([['address', 'Chestnut Street, apartment 4']]);
    expect(found('vive en la Calle Mayor 12, 3º B')).toEqual([['address', 'Calle Mayor 12, 3º B']]);
    expect(found('peleas en Av. de la Constitución 45.')).toEqual([['address', 'Av. de la Constitución 45']]);
    expect(found('en C/ Goya, 34')).toEqual([['address', 'C/ Goya, 34']]);
  });

  it('finds identity numbers: SSN-like, DNI, NIE and named documents', () => {
    expect(found('my SSN is 123-45-6789')).toEqual([['id-number', '123-45-6789']]);
    expect(found('mi DNI es 12345678Z')).toEqual([['id-number', '12345678Z']]);
    expect(found('NIE X1234567L perdido')).toEqual([['id-number', 'X1234567L']]);
    expect(personalInfoKinds("my driver's license number is D1234567")).toEqual(['id-number']);
  });

  it('holds a licence plate only together with a name', () => {
    expect(personalInfoKinds('The car with plate ABC 1234 belongs to Mike Turner')).toEqual(['plate-with-name']);
    expect(personalInfoKinds('La furgoneta 9087 FGH es del señor Ramírez')).toEqual(['plate-with-name']);
    expect(personalInfoKinds('A car with plate ABC 1234 is parked in the bike lane')).toEqual([]);
    expect(personalInfoKinds('Un coche con matrícula 1234 BCD lleva un mes en el vado')).toEqual([]);
  });

  it('passes ordinary questions with numbers and place names', () => {
    for (const text of [
      'Is the station on 5th Avenue open 24 hours?',
      '¿Cuántos agentes patrullan el distrito 3?',
      'Can you add more patrols to the 300 block of Oak Street?',
      'The budget went from $1,200,000 to $1,500,000.',
      'En 2024 hubo 1.500 denuncias; ¿qué pasó el 12/03/2024 a las 22:00 en la Calle Mayor?',
      'Why was I-95 closed from 2019-2023 and who pays the 911 bill?',
      'Was 198.51.100.7 the address that flooded the site? Ref 00000000-0000-4000-8000-000000000000',
    ]) {
      expect(found(text), text).toEqual([]);
    }
  });

  it('lets the department allow its own public numbers and addresses, written any way', () => {
    const allowed = ['+1 (555) 201-3344', '100 Main Street', 'Av. de la Constitución, 45', 'info@police.example.gov'];
    expect(found('call 555-201-3344 or 555-201-9999', allowed)).toEqual([['phone', '555-201-9999']]);
    expect(found('come to 100 Main St. on Monday', allowed)).toEqual([]);
    expect(found('la comisaría de Avenida de la Constitución 45', allowed)).toEqual([]);
    expect(found('write to INFO@police.example.gov', allowed)).toEqual([]);
    expect(found('he lives at 102 Main Street', allowed)).toEqual([['address', '102 Main Street']]);
  });

  it('reports each kind once, in a fixed order, for the author', () => {
    expect(personalInfoKinds('mail a@b.com or a@c.com, call 612 345 678, 42 Oak Street')).toEqual(['phone', 'email', 'address']);
  });
});

describe('the kept samples', () => {
  const samples = JSON.parse(readFileSync(new URL('../fixtures/personal-info.json', import.meta.url), 'utf8')) as ScreeningSamples;

  it('keeps at least 50 personal and 50 ordinary samples in each language', () => {
    for (const lang of ['en', 'es'] as const) {
      expect(samples.personal[lang].length).toBeGreaterThanOrEqual(50);
      expect(samples.ordinary[lang].length).toBeGreaterThanOrEqual(50);
    }
  });

  // Thresholds from what the detector reaches (see docs/security.md for the figures).
  it.each(['en', 'es'] as const)('holds at least 95 %% of personal details and wrongly holds at most 3 %% of ordinary questions (%s)', (lang) => {
    const f = measureScreening(samples).find((x) => x.lang === lang)!;
    expect(f.held / f.personal, JSON.stringify(f.missed)).toBeGreaterThanOrEqual(0.95);
    expect(f.rightKind / f.personal).toBeGreaterThanOrEqual(0.9);
    expect(f.wronglyHeld / f.ordinary, JSON.stringify(f.wrong)).toBeLessThanOrEqual(0.03);
  });
});
