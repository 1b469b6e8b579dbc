// People who asked hear back, end to end against a real SMTP server (smtp-server on port 0):
// the asker follows by default, an upvoter chooses to, each gives an address, confirms it from
// the mail, and hears of a commitment and of the answer; one-click unsubscribe and the final
// answer delete the addresses. Bad input changes nothing, and no address reaches the log.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitmentChange, FollowUpChange, FollowUpView } from '../../shared/followups.js';
import type { QuestionView } from '../../shared/qa.js';
import { createLogger } from '../../server/core/log.js';
import { linkIn, startSmtp } from '../support/smtp.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('followers hear back by mail on the %s store', (store) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let admin: Session;
  let townHallId: string;
  let clock = Date.now();
  const logged: string[] = [];

  const api = (method: string, path: string, body?: unknown, session?: Session) =>
    fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: server.url, ...(session ? { cookie: session.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const person = async (name: string): Promise<{ socket: ClientSocket; session: Session }> => {
    const session = await server.guest(name);
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return { socket, session };
  };
  const followUp = (q: QuestionView, over: Partial<FollowUpView>): FollowUpView => ({
    questionId: q.id,
    townHallId: q.townHallId,
    questionText: q.text,
    topicId: null,
    askedAt: q.createdAt,
    enteredAt: clock,
    status: 'open',
    unitId: null,
    dueAt: null,
    answer: null,
    referral: null,
    closure: null,
    resolvedAt: null,
    history: [],
    ...over,
  });
  const mailSettings = (port: number) => ({ host: '127.0.0.1', port, secure: false, user: '', password: 'smtp-secret', from: 'pd@example.org', retentionDays: 30 });

  beforeAll(async () => {
    smtp = await startSmtp();
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (logged.push(chunk.toString()), done()) });
    server = await startTestServer({ store, log: createLogger('debug', sink), now: () => clock });
    admin = await server.staff('admin', 'Admin');
    townHallId = (await server.townHall()).id;
    expect((await api('PUT', '/admin/mail', mailSettings(smtp.port), admin)).status).toBe(200);
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('confirms, tells, unsubscribes in one click, and deletes the addresses', async () => {
    const asker = await person('Asker');
    const voter = await person('Voter');
    const q = unwrap(await command(asker.socket, 'qa:ask', { townHallId, text: 'Will there be more patrols on Elm Street at night?' }));
    // The asker follows without asking to; the voter may once they upvoted.
    expect(unwrap(await command(asker.socket, 'notices:list', {})).following).toMatchObject([{ questionId: q.id, mail: 'none' }]);
    expect(await command(voter.socket, 'notices:follow', { questionId: q.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    unwrap(await command(voter.socket, 'qa:vote', { questionId: q.id, voted: true }));
    expect(unwrap(await command(voter.socket, 'notices:follow', { questionId: q.id }))).toMatchObject({ questionId: q.id, mail: 'none' });

    // Each gives an address (the asker in Spanish) and confirms it from the mail.
    for (const [who, address, locale] of [
      [asker, 'asker@example.org', 'es'],
      [voter, 'voter@example.org', 'en'],
    ] as const) {
      const mail = smtp.next(address);
      expect(unwrap(await command(who.socket, 'notices:give-email', { questionId: q.id, address, locale }))).toMatchObject({ mail: 'pending' });
      const confirmation = await mail;
      expect(confirmation.headers.get('subject')).toBeDefined();
      expect(confirmation.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const link = linkIn(confirmation.body, '/mail/confirm');
      const token = link.searchParams.get('token');
      expect((await api('POST', '/mail/confirm', { token })).status).toBe(200);
      // The same link again: used, and nothing changes.
      const again = await api('POST', '/mail/confirm', { token });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ error: { code: 'CONFLICT', reason: 'LINK_USED' } });
    }
    expect((await server.stores.notifications.addressFor(asker.session.me.id, q.id))?.confirmedAt).toBe(clock);
    expect(unwrap(await command(voter.socket, 'notices:list', {})).following).toMatchObject([{ questionId: q.id, mail: 'confirmed' }]);

    // A commitment is recorded for the question: both hear, in their own language.
    const commitment: CommitmentChange = {
      commitment: {
        id: 'commitment-1',
        townHallId,
        questionIds: [q.id],
        topicIds: [],
        text: 'Extra patrols on Elm Street on weekdays, 7–9 pm, for six weeks.',
        unitId: 'unit-patrol',
        dueDate: '2027-01-31',
        status: 'in-progress',
        dropReason: null,
        createdAt: clock,
        createdByName: 'Sgt. Host',
        doneAt: null,
        updates: [],
      },
      update: { at: clock, byName: 'Sgt. Host', status: 'in-progress', text: 'Patrols started.' },
    };
    const toAsker = smtp.next('asker@example.org');
    const toVoter = smtp.next('voter@example.org');
    const live = nextEvent(asker.socket, 'notices:arrived', (p) => p.notice.kind === 'commitment');
    await server.app.notices.onCommitmentChange(commitment);
    expect((await live).notice).toMatchObject({ questionId: q.id, status: 'in-progress', read: false });
    expect((await toAsker).body).toContain('Su compromiso ahora está en curso');
    const voterMail = await toVoter;
    expect(voterMail.body).toContain('Its commitment is now in progress');
    expect(voterMail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // The voter's mail client unsubscribes in one click (RFC 8058): a form POST, no cookie, no origin.
    const oneClick = voterMail.headers.get('list-unsubscribe')!.replace(/^<|>$/g, '');
    expect(voterMail.body).toContain('/mail/unsubscribe?token=');
    const res = await fetch(oneClick, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(await server.stores.notifications.addressFor(voter.session.me.id, q.id)).toBeNull();
    expect(await server.stores.notifications.isFollowing(q.id, voter.session.me.id)).toBe(true);

    // Answered a day later: the asker's mail is the last, and then their address is gone too.
    clock += 86_400_000;
    const change: FollowUpChange = {
      followUp: followUp(q, { status: 'answered', answer: { text: 'Yes: two more cars from January.', byName: 'Lt. Diaz', at: clock }, resolvedAt: clock }),
      event: { at: clock, kind: 'answered', byName: 'Lt. Diaz' },
    };
    const finalMail = smtp.next('asker@example.org');
    const voterNotice = nextEvent(voter.socket, 'notices:arrived', (p) => p.notice.kind === 'answered');
    const before = smtp.inbox.length;
    await server.app.notices.onFollowUpChange(change);
    const last = await finalMail;
    expect(last.body).toContain('Yes: two more cars from January.');
    expect(last.headers.get('list-unsubscribe')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/mail\/unsubscribe\?token=/);
    expect(last.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect((await voterNotice).notice).toMatchObject({ kind: 'answered', detail: 'Yes: two more cars from January.' });
    expect(smtp.inbox.length).toBe(before + 1);
    expect(await server.stores.notifications.addressFor(asker.session.me.id, q.id)).toBeNull();
    const inbox = unwrap(await command(asker.socket, 'notices:list', {}));
    expect(inbox.notices.map((n) => n.kind)).toEqual(['answered', 'commitment']);
    expect(inbox.following).toMatchObject([{ questionId: q.id, mail: 'none' }]);
    // The unsubscribe link of a deleted address still answers, and deletes nothing more.
    expect(await (await fetch(oneClick, { method: 'POST' })).json()).toEqual({ unsubscribed: true, deleted: false });
  });

  it('makes the asker of a question merged into another follow the survivor', async () => {
    const first = await person('First asker');
    const second = await person('Second asker');
    const kept = unwrap(await command(first.socket, 'qa:ask', { townHallId, text: 'When will the streetlights on Oak Avenue be fixed?' }));
    const dup = unwrap(await command(second.socket, 'qa:ask', { townHallId, text: 'Oak Avenue streetlights: when are they repaired?' }));
    const moderator = await server.connect(await server.staff('moderator', 'Mod'));
    unwrap(await command(moderator, 'townhall:join', { townHallId }));
    unwrap(await command(moderator, 'qa:merge', { targetId: kept.id, sourceIds: [dup.id] }));
    await expect
      .poll(async () => unwrap(await command(second.socket, 'notices:list', {})).following.map((f) => f.questionId))
      .toEqual(expect.arrayContaining([dup.id, kept.id]));
    // The survivor's follow-up now reaches them: a change to it is a notice for both askers.
    const told = nextEvent(second.socket, 'notices:arrived', (p) => p.notice.questionId === kept.id);
    await server.app.notices.onFollowUpChange({
      followUp: followUp(kept, { status: 'answered', answer: { text: 'This week, by Public Works.', byName: 'Lt. Diaz', at: clock }, resolvedAt: clock }),
      event: { at: clock, kind: 'answered', byName: 'Lt. Diaz' },
    });
    expect((await told).notice).toMatchObject({ questionId: kept.id, kind: 'answered' });
  });

  it('refuses a bad address, an expired or unknown link, a forged unsubscribe, and changes nothing', async () => {
    const asker = await person('Asker two');
    const q = unwrap(await command(asker.socket, 'qa:ask', { townHallId, text: 'Why is the Oak Street light still broken?' }));
    for (const address of ['not-an-address', 'a@b', 'x y@example.org', '<a@example.org>']) {
      expect(await command(asker.socket, 'notices:give-email', { questionId: q.id, address, locale: 'en' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', fields: ['address'] },
      });
    }
    expect(await server.stores.notifications.addressFor(asker.session.me.id, q.id)).toBeNull();

    const mail = smtp.next('late@example.org');
    unwrap(await command(asker.socket, 'notices:give-email', { questionId: q.id, address: 'late@example.org', locale: 'en' }));
    const token = linkIn((await mail).body, '/mail/confirm').searchParams.get('token');
    clock += 49 * 3600_000;
    const expired = await api('POST', '/mail/confirm', { token });
    expect(expired.status).toBe(409);
    expect(await expired.json()).toMatchObject({ error: { code: 'CONFLICT', reason: 'LINK_EXPIRED' } });
    expect((await server.stores.notifications.addressFor(asker.session.me.id, q.id))?.confirmedAt).toBeNull();
    expect((await api('POST', '/mail/confirm', { token: 'A'.repeat(43) })).status).toBe(404);
    expect((await api('POST', '/mail/confirm', { token: 'bad' })).status).toBe(400);

    const stored = await server.stores.notifications.addressFor(asker.session.me.id, q.id);
    const forged = await fetch(`${server.url}/api/mail/unsubscribe?token=${stored!.id}.${'x'.repeat(32)}`, { method: 'POST' });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect(await server.stores.notifications.addressFor(asker.session.me.id, q.id)).not.toBeNull();

    // The retention period ends (30 days from the admin's settings): the address goes.
    clock += 31 * 86_400_000;
    expect(await server.app.notices.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await server.stores.notifications.addressFor(asker.session.me.id, q.id)).toBeNull();
  });

  it('refuses following a removed, held or unknown question, and giving an address without following', async () => {
    const moderator = await server.connect(await server.staff('moderator', 'Mod'));
    const asker = await person('Asker three');
    const voter = await person('Voter three');
    const q = unwrap(await command(asker.socket, 'qa:ask', { townHallId, text: 'Can we have a crossing guard at Pine school?' }));
    unwrap(await command(voter.socket, 'qa:vote', { questionId: q.id, voted: true }));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: q.id }, action: 'remove', reason: 'off-topic' }));
    expect(await command(voter.socket, 'notices:follow', { questionId: q.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await command(voter.socket, 'notices:follow', { questionId: 'no-such-question' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await server.stores.notifications.isFollowing(q.id, voter.session.me.id)).toBe(false);

    const another = await person('Asker four');
    const held = unwrap(await command(another.socket, 'qa:ask', { townHallId, text: 'Is the dirtycop rumour true?' }));
    expect(held.status).toBe('held');
    expect(await command(voter.socket, 'notices:follow', { questionId: held.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    expect(await command(voter.socket, 'notices:give-email', { questionId: held.id, address: 'v@example.org', locale: 'en' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await server.stores.notifications.addressFor(voter.session.me.id, held.id)).toBeNull();
  });

  it('shows admins the mail settings without the password, and no one else', async () => {
    const view = await (await api('GET', '/admin/mail', undefined, admin)).json();
    expect(view).toEqual({ mail: { host: '127.0.0.1', port: smtp.port, secure: false, user: '', passwordSet: true, from: 'pd@example.org', retentionDays: 30, source: 'settings' } });
    expect(JSON.stringify(view)).not.toContain('smtp-secret');
    const { password: _omitted, ...rest } = mailSettings(smtp.port);
    expect((await api('PUT', '/admin/mail', rest, admin)).status).toBe(200);
    expect((await server.stores.notifications.mailSettings())?.password).toBe('smtp-secret');
    const officer = await server.staff('officer');
    expect((await api('GET', '/admin/mail', undefined, officer)).status).toBe(403);
    expect((await api('GET', '/admin/mail')).status).toBe(401);
    expect(await (await api('PUT', '/admin/mail', { ...rest, from: 'nope' }, admin)).json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
  });

  it('never writes an address to the log', () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toMatch(/@example\.org/);
  });
});
