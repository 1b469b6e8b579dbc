// The kept personal-information samples and how the screen does on them; shared by the test
// that holds the thresholds and the command that prints the figures.
import { personalInfoKinds, type PersonalInfoKind } from '../../shared/personal-info.js';

export type Lang = 'en' | 'es';
export interface ScreeningSamples {
  personal: Record<Lang, Array<{ kind: PersonalInfoKind; text: string }>>;
  ordinary: Record<Lang, string[]>;
}

export interface ScreeningFigures {
  lang: Lang;
  personal: number;
  held: number;
  /** Held and told the author the kind the sample holds. */
  rightKind: number;
  ordinary: number;
  wronglyHeld: number;
  missed: Array<{ kind: PersonalInfoKind; text: string }>;
  wrong: Array<{ kinds: PersonalInfoKind[]; text: string }>;
}

export function measureScreening(samples: ScreeningSamples): ScreeningFigures[] {
  return (['en', 'es'] as const).map((lang) => {
    const personal = samples.personal[lang].map((s) => ({ ...s, kinds: personalInfoKinds(s.text) }));
    const ordinary = samples.ordinary[lang].map((text) => ({ text, kinds: personalInfoKinds(text) }));
    const missed = personal.filter((s) => s.kinds.length === 0);
    const wrong = ordinary.filter((s) => s.kinds.length > 0);
    return {
      lang,
      personal: personal.length,
      held: personal.length - missed.length,
      rightKind: personal.filter((s) => s.kinds.includes(s.kind)).length,
      ordinary: ordinary.length,
      wronglyHeld: wrong.length,
      missed: missed.map(({ kind, text }) => ({ kind, text })),
      wrong: wrong.map(({ kinds, text }) => ({ kinds, text })),
    };
  });
}
