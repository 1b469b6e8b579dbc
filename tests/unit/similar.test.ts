import { describe, expect, it } from 'vitest';
import { SimilarityIndex } from '../../server/qa/similar-index.js';
import { detectLanguage, termsOf } from '../../server/qa/similar-text.js';

// A town hall's questions in both languages, as residents ask them: several share a street,
// a word such as "police" or "calle", or an opening such as "When will you…".
const HALL: Record<string, string> = {
  elm: 'When will you add more patrols on Elm Street?',
  lights: 'When will you fix the street lights on Oak Street?',
  speeding: 'What is being done about speeding cars near Lincoln Elementary?',
  burglary: 'How many burglaries were reported downtown last month?',
  youth: 'Is there a youth program at the community centre this summer?',
  bodycams: 'Do all officers wear body cameras now?',
  complaint: 'How do I file a complaint about an officer?',
  olmo: '¿Cuándo habrá más patrullas en la calle Olmo?',
  robos: '¿Cuántos robos hubo en el centro el mes pasado?',
  jovenes: '¿Hay actividades para jóvenes en el centro comunitario?',
  semaforo: '¿Pueden arreglar el semáforo de la calle Pino?',
  ruido: '¿Qué hacen con el ruido de las fiestas los fines de semana?',
};

function hall(): SimilarityIndex {
  const index = new SimilarityIndex();
  for (const [id, text] of Object.entries(HALL)) index.upsert(id, text);
  return index;
}

const ids = (index: SimilarityIndex, text: string, hint?: 'en' | 'es') => index.search(text, hint ? { hint } : {}).map((m) => m.id);

describe('language of a question', () => {
  it('tells English from Spanish by their stop words and marks', () => {
    expect(detectLanguage('Are there going to be more patrols in Elm St?')).toBe('en');
    expect(detectLanguage('¿Van a poner más patrullas en la calle Olmo?')).toBe('es');
    expect(detectLanguage('Van a poner patrullas en la calle Olmo')).toBe('es');
  });

  it('follows the page language when the words do not tell', () => {
    expect(detectLanguage('Elm patrols', 'es')).toBe('es');
    expect(detectLanguage('Elm patrols', 'en')).toBe('en');
  });
});

describe('terms of a question', () => {
  it('stems words and drops stop words in English', () => {
    expect([...termsOf('Are there going to be more patrols in Elm St?', 'en').keys()]).toEqual(['go', 'patrol', 'elm', 'street']);
  });

  it('stems words, folds accents and drops stop words in Spanish', () => {
    const terms = [...termsOf('¿Cuándo habrá más patrullas en la calle Olmo?', 'es').keys()];
    expect(terms).toContain('patrull');
    expect(terms).toContain('olmo');
    expect(terms).not.toContain('la');
    expect(terms).not.toContain('en');
  });
});

describe('similar questions', () => {
  it('finds an English rephrasing of a question', () => {
    expect(ids(hall(), 'Are there going to be more patrols in Elm St?')[0]).toBe('elm');
  });

  it('finds a Spanish rephrasing of a question', () => {
    expect(ids(hall(), '¿Van a poner más patrullas en la calle Olmo?')[0]).toBe('olmo');
  });

  it('finds rephrasings of other questions too', () => {
    const index = hall();
    expect(ids(index, 'how many break-ins and burglaries downtown?')[0]).toBe('burglary');
    expect(ids(index, 'Are officers wearing body cameras?')[0]).toBe('bodycams');
    expect(ids(index, '¿Cuántos robos en el centro?', 'es')[0]).toBe('robos');
  });

  it('does not offer questions that only share a street, a common word or an opening', () => {
    const index = hall();
    expect(ids(index, 'When will the new police station open?')).toEqual([]);
    expect(ids(index, 'Who owns the empty lot on Elm Street?')).not.toContain('elm');
    expect(ids(index, '¿Cuándo abren la biblioteca de la calle Mayor?')).toEqual([]);
    expect(ids(index, 'Will there be more patrols downtown?')).not.toContain('burglary');
    expect(ids(index, 'How do I become a volunteer?')).toEqual([]);
    expect(ids(index, '¿Dónde puedo votar?')).toEqual([]);
  });

  it('gives at most three, best first, with scores between 0 and 1', () => {
    const index = new SimilarityIndex();
    for (let i = 0; i < 6; i += 1) index.upsert(`q${i}`, `More patrols on Elm Street please ${'now '.repeat(i)}`);
    const matches = index.search('more patrols on Elm Street');
    expect(matches).toHaveLength(3);
    expect(matches.map((m) => m.id)).toEqual(['q0', 'q1', 'q2']);
    for (const m of matches) expect(m.score).toBeGreaterThan(0);
    for (const m of matches) expect(m.score).toBeLessThanOrEqual(1);
  });

  it('forgets removed questions and reads changed ones again', () => {
    const index = hall();
    index.remove('elm');
    expect(ids(index, 'Are there going to be more patrols in Elm St?')).toEqual([]);
    index.upsert('youth', 'Will Elm Street get more patrols?');
    expect(ids(index, 'Are there going to be more patrols in Elm St?')).toEqual(['youth']);
    expect(index.size).toBe(Object.keys(HALL).length - 1);
  });

  it('finds nothing for text with no words that carry meaning', () => {
    expect(hall().search('¿¡ ... !?')).toEqual([]);
    expect(hall().search('what is the')).toEqual([]);
  });
});
