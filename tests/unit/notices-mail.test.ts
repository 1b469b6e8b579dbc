// The mailed links' tokens and the mails' words, without a server.
import { describe, expect, it } from 'vitest';
import { confirmationMail, noticeMail } from '../../server/notifications/mail-texts.js';
import { hashToken, newConfirmToken, readUnsubscribeToken, unsubscribeToken } from '../../server/notifications/tokens.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';

describe('mail link tokens', () => {
  it('makes a fresh confirmation token each time and stores only its hash', () => {
    const a = newConfirmToken();
    const b = newConfirmToken();
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).not.toContain(a.token);
  });

  it('reads back the address an unsubscribe token names, and refuses a forged or re-aimed one', () => {
    const token = unsubscribeToken(SECRET, 'addr-123456');
    expect(readUnsubscribeToken(SECRET, token)).toBe('addr-123456');
    expect(readUnsubscribeToken('another-secret-another-secret-0000', token)).toBeNull();
    const signature = token.split('.')[1]!;
    expect(readUnsubscribeToken(SECRET, `addr-654321.${signature}`)).toBeNull();
    expect(readUnsubscribeToken(SECRET, 'addr-123456')).toBeNull();
    expect(readUnsubscribeToken(SECRET, `addr-123456.${signature.slice(1)}`)).toBeNull();
  });
});

describe('mail texts', () => {
  const links = { page: 'https://pd.example/notices', unsubscribe: 'https://pd.example/mail/unsubscribe?token=t' };

  it('writes each change in the language the person used, with the unsubscribe link in every body', () => {
    const closed = noticeMail('es', { kind: 'closed', excerpt: '¿Patrullas?', detail: null, reason: 'open-case', status: null }, links, true);
    expect(closed.text).toContain('Se cerró: el departamento no puede comentar un caso abierto.');
    expect(closed.text).toContain('su dirección se borra');
    expect(closed.text).toContain(links.unsubscribe);
    const referred = noticeMail('en', { kind: 'referred', excerpt: 'Potholes?', detail: 'Public Works', reason: null, status: null }, links, true);
    expect(referred.text).toContain('It was referred to Public Works.');
    const commitment = noticeMail('en', { kind: 'commitment', excerpt: 'Patrols?', detail: 'Extra patrols', reason: null, status: 'done' }, links, false);
    expect(commitment.text).toContain('Its commitment is now done');
    expect(commitment.text).not.toContain('last message');
    const confirm = confirmationMail('en', 'Patrols?', { confirm: 'https://pd.example/mail/confirm?token=c', unsubscribe: links.unsubscribe }, 48);
    expect(confirm.text).toContain('within 48 hours');
    expect(confirm.text).toContain(links.unsubscribe);
  });
});
