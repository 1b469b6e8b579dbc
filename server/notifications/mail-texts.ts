// The mails' words, in the language the person used when they gave their address. Plain text:
// nothing a mail client might load, nothing that tracks.
import type { CloseReason, CommitmentStatus } from '../../shared/followups.js';
import type { FollowNotice, MailLocale } from '../../shared/notices.js';

const REASONS: Record<MailLocale, Record<CloseReason, string>> = {
  en: {
    duplicate: 'it duplicates another question',
    'already-answered': 'it was already answered',
    'outside-remit': 'it is outside the police’s remit',
    'open-case': 'the department cannot comment on an open case',
    'personal-matter': 'it is a personal matter',
  },
  es: {
    duplicate: 'duplica otra pregunta',
    'already-answered': 'ya se respondió',
    'outside-remit': 'no es competencia de la policía',
    'open-case': 'el departamento no puede comentar un caso abierto',
    'personal-matter': 'es un asunto personal',
  },
};
const STATUSES: Record<MailLocale, Record<CommitmentStatus, string>> = {
  en: { planned: 'planned', 'in-progress': 'in progress', done: 'done', dropped: 'dropped' },
  es: { planned: 'prevista', 'in-progress': 'en curso', done: 'cumplida', dropped: 'abandonada' },
};

const T = {
  en: {
    confirmSubject: 'Confirm your address for updates on your question',
    confirmBody: (excerpt: string, link: string, hours: number) =>
      `You asked to hear by e-mail about the question “${excerpt}”.\n\n` +
      `To confirm this address, open this link within ${hours} hours:\n${link}\n\n` +
      `If you did not ask for this, ignore this message: nothing will be sent and the address will be deleted.\n`,
    noticeSubject: 'An update on the question you follow',
    answered: (detail: string) => `It was answered after the town hall:\n\n${detail}`,
    referred: (to: string) => `It was referred to ${to}.`,
    closed: (reason: string, detail: string | null) => `It was closed: ${reason}.${detail ? `\n\n${detail}` : ''}`,
    commitmentNew: (text: string) => `The department made a commitment about it:\n\n${text}`,
    commitment: (status: string, text: string) => `Its commitment is now ${status}:\n\n${text}`,
    intro: (excerpt: string) => `The question “${excerpt}” has news.`,
    final: 'This is the last message about it: your address is deleted once it is sent.',
    link: (url: string) => `See it on the site: ${url}`,
    unsubscribe: (url: string) => `To stop these messages and delete your address: ${url}`,
  },
  es: {
    confirmSubject: 'Confirme su dirección para recibir novedades de su pregunta',
    confirmBody: (excerpt: string, link: string, hours: number) =>
      `Pidió recibir por correo novedades de la pregunta «${excerpt}».\n\n` +
      `Para confirmar esta dirección, abra este enlace en menos de ${hours} horas:\n${link}\n\n` +
      `Si no lo pidió, ignore este mensaje: no se enviará nada y la dirección se borrará.\n`,
    noticeSubject: 'Novedades de la pregunta que sigue',
    answered: (detail: string) => `Se respondió después del foro:\n\n${detail}`,
    referred: (to: string) => `Se remitió a ${to}.`,
    closed: (reason: string, detail: string | null) => `Se cerró: ${reason}.${detail ? `\n\n${detail}` : ''}`,
    commitmentNew: (text: string) => `El departamento asumió un compromiso sobre ella:\n\n${text}`,
    commitment: (status: string, text: string) => `Su compromiso ahora está ${status}:\n\n${text}`,
    intro: (excerpt: string) => `Hay novedades de la pregunta «${excerpt}».`,
    final: 'Este es el último mensaje sobre ella: su dirección se borra en cuanto se envía.',
    link: (url: string) => `Véala en el sitio: ${url}`,
    unsubscribe: (url: string) => `Para no recibir más mensajes y borrar su dirección: ${url}`,
  },
} as const;

export function confirmationMail(
  locale: MailLocale,
  excerpt: string,
  links: { confirm: string; unsubscribe: string },
  hours: number,
): { subject: string; text: string } {
  const t = T[locale];
  return { subject: t.confirmSubject, text: `${t.confirmBody(excerpt, links.confirm, hours)}\n${t.unsubscribe(links.unsubscribe)}\n` };
}

export function noticeMail(
  locale: MailLocale,
  notice: Pick<FollowNotice, 'kind' | 'excerpt' | 'detail' | 'reason' | 'status'>,
  links: { page: string; unsubscribe: string },
  final: boolean,
): { subject: string; text: string } {
  const t = T[locale];
  const what =
    notice.kind === 'answered'
      ? t.answered(notice.detail ?? '')
      : notice.kind === 'referred'
        ? t.referred(notice.detail ?? '')
        : notice.kind === 'closed'
          ? t.closed(REASONS[locale][notice.reason ?? 'duplicate'], notice.detail)
          : notice.status
            ? t.commitment(STATUSES[locale][notice.status], notice.detail ?? '')
            : t.commitmentNew(notice.detail ?? '');
  const parts = [t.intro(notice.excerpt), what, t.link(links.page), ...(final ? [t.final] : []), t.unsubscribe(links.unsubscribe)];
  return { subject: t.noticeSubject, text: `${parts.join('\n\n')}\n` };
}
