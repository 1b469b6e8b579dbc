// Sending mail through the SMTP server an admin set up, with nodemailer: the well-kept library
// of the field (pooling, STARTTLS, AUTH, header folding and encoding are solved problems).
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailSettingsView } from '../../shared/notices.js';
import type { Logger } from '../core/log.js';
import type { StoredMailSettings } from './store.js';

/** SMTP from the environment (SMTP_HOST…), used while the admin's form leaves the host empty. */
export type SmtpSettings = Omit<StoredMailSettings, 'retentionDays'>;

export const DEFAULT_RETENTION_DAYS = 90;

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The one-click unsubscribe address (RFC 8058), on every message. */
  unsubscribeUrl: string;
}

export interface Mailer {
  /** Throws MailUnavailable when no SMTP server is set up; other failures as nodemailer reports them. */
  send(mail: OutgoingMail): Promise<void>;
  configured(): Promise<boolean>;
  view(): Promise<MailSettingsView>;
  retentionDays(): Promise<number>;
  close(): void;
}

export class MailUnavailable extends Error {}

/**
 * What of a mail failure may be logged: nodemailer's code and the server's reply code. Never the
 * error's message or response, which may quote the recipient's address.
 */
export const mailFailure = (err: unknown): Record<string, unknown> => {
  const e = err as { code?: unknown; responseCode?: unknown; command?: unknown };
  return { code: e?.code ?? 'unknown', responseCode: e?.responseCode ?? null, command: e?.command ?? null };
};

export function createMailer(read: () => Promise<StoredMailSettings | null>, fromEnv: SmtpSettings | null, log: Logger): Mailer {
  let cached: { key: string; transport: Transporter } | null = null;
  const effective = async (): Promise<{ smtp: SmtpSettings | null; source: MailSettingsView['source']; retentionDays: number }> => {
    const stored = await read();
    const retentionDays = stored?.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (stored?.host) return { smtp: stored, source: 'settings', retentionDays };
    if (fromEnv?.host) return { smtp: fromEnv, source: 'environment', retentionDays };
    return { smtp: null, source: 'none', retentionDays };
  };
  const transportFor = (smtp: SmtpSettings): Transporter => {
    const key = JSON.stringify(smtp);
    if (cached?.key === key) return cached.transport;
    cached?.transport.close();
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
      // A slow or dead relay must not hold a request for minutes.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    cached = { key, transport };
    return transport;
  };
  return {
    async send(mail) {
      const { smtp } = await effective();
      if (!smtp || !smtp.from) throw new MailUnavailable('mail is not set up');
      await transportFor(smtp).sendMail({
        from: smtp.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        headers: { 'List-Unsubscribe': `<${mail.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      log.debug('mail sent');
    },
    async configured() {
      const { smtp } = await effective();
      return Boolean(smtp?.from);
    },
    async view() {
      const { smtp, source, retentionDays } = await effective();
      return {
        host: smtp?.host ?? '',
        port: smtp?.port ?? 587,
        secure: smtp?.secure ?? false,
        user: smtp?.user ?? '',
        passwordSet: Boolean(smtp?.password),
        from: smtp?.from ?? '',
        retentionDays,
        source,
      };
    },
    async retentionDays() {
      return (await effective()).retentionDays;
    },
    close() {
      cached?.transport.close();
      cached = null;
    },
  };
}
