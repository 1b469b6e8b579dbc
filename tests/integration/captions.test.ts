import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptionService } from '../../server/captions/service.js';
import type { StaffRole } from '../../shared/roles.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('live captions on the %s store', (store) => {
  let server: TestServer;

  const enter = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  const staffIn = async (role: StaffRole, townHallId: string) => enter(await server.staff(role), townHallId);
  const viewerIn = async (townHallId: string) => enter(await server.guest('Viewer'), townHallId);
  const transcript = (townHallId: string) => createCaptionService(server.stores.captions).captionTranscript(townHallId);

  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server.close());

  it('sends a captioner\'s line to every viewer and keeps it with the event', async () => {
    const { id: townHallId } = await server.townHall();
    const [captioner, ana, ben] = await Promise.all([staffIn('captioner', townHallId), viewerIn(townHallId), viewerIn(townHallId)]);
    const heard = [ana, ben].map((s) => nextEvent(s, 'captions:line-added'));
    const line = unwrap(await command(captioner, 'captions:send', { townHallId, text: '  Good evening, and welcome.  ' }));
    expect(line).toEqual({ id: expect.any(String), townHallId, text: 'Good evening, and welcome.', at: expect.any(Number), authorRole: 'captioner', lang: null });
    for (const { line: got } of await Promise.all(heard)) expect(got).toEqual(line);
    expect(await transcript(townHallId)).toEqual([{ at: line.at, authorRole: 'captioner', text: 'Good evening, and welcome.' }]);
  });

  it('refuses captions from a resident and from an officer who does not host, and stores nothing', async () => {
    const { id: townHallId } = await server.townHall();
    const resident = await viewerIn(townHallId);
    const officer = await staffIn('officer', townHallId);
    for (const socket of [resident, officer]) {
      expect(await command(socket, 'captions:send', { townHallId, text: 'not mine to say' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(await transcript(townHallId)).toEqual([]);
  });

  it('lets a host of the town hall caption it', async () => {
    const session = await server.staff('officer', 'Officer Host');
    const { id: townHallId } = await server.townHall({ hosts: [{ id: session.me.id, displayName: session.me.displayName }] });
    const host = await enter(session, townHallId);
    unwrap(await command(host, 'captions:send', { townHallId, text: 'Thanks for coming.' }));
    expect((await transcript(townHallId)).map((l) => l.text)).toEqual(['Thanks for coming.']);
  });

  it('gives a late joiner the recent lines, while every line is kept', async () => {
    const { id: townHallId } = await server.townHall();
    for (let i = 1; i <= 30; i++) await server.stores.captions.add({ townHallId, authorId: 'captioner-0001', authorRole: 'captioner', text: `line ${i}` });
    const captioner = await staffIn('captioner', townHallId);
    unwrap(await command(captioner, 'captions:send', { townHallId, text: 'line 31' }));
    const late = await server.connect(await server.guest('Late'));
    const { lines } = unwrap(await command(late, 'townhall:join', { townHallId })).captions;
    expect(lines.map((l) => l.text)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 12}`));
    expect(await transcript(townHallId)).toHaveLength(31);
  });

  it('carries the language a line is typed in to every viewer and a late joiner, and refuses what is not a language tag', async () => {
    const { id: townHallId } = await server.townHall();
    const [captioner, viewer] = await Promise.all([staffIn('captioner', townHallId), viewerIn(townHallId)]);
    const heard = nextEvent(viewer, 'captions:line-added');
    const line = unwrap(await command(captioner, 'captions:send', { townHallId, text: 'Buenas noches a todos.', lang: 'es' }));
    expect(line.lang).toBe('es');
    expect((await heard).line.lang).toBe('es');
    unwrap(await command(captioner, 'captions:send', { townHallId, text: 'Good evening.', lang: 'en-US' }));
    for (const lang of ['', 'Spanish', 'es_MX', 'en-', '<script>', 'x'.repeat(40), 5]) {
      expect(await command(captioner, 'captions:send', { townHallId, text: 'hello', lang } as never)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', fields: ['lang'] },
      });
    }
    const late = await server.connect(await server.guest('Late'));
    const { lines } = unwrap(await command(late, 'townhall:join', { townHallId })).captions;
    expect(lines.map((l) => [l.text, l.lang])).toEqual([
      ['Buenas noches a todos.', 'es'],
      ['Good evening.', 'en-US'],
    ]);
  });

  it('accepts 500 characters and refuses 0 and 501', async () => {
    const { id: townHallId } = await server.townHall();
    const captioner = await staffIn('captioner', townHallId);
    unwrap(await command(captioner, 'captions:send', { townHallId, text: 'é'.repeat(500) }));
    for (const text of ['', ' \n ', 'x'.repeat(501)]) {
      expect(await command(captioner, 'captions:send', { townHallId, text })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', fields: ['text'] },
      });
    }
    expect(await transcript(townHallId)).toHaveLength(1);
  });

  it('refuses captions to a connection that has not joined the town hall', async () => {
    const { id: townHallId } = await server.townHall();
    const captioner = await server.connect(await server.staff('captioner'));
    expect(await command(captioner, 'captions:send', { townHallId, text: 'hello' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses captions before the town hall is live and once it has ended', async () => {
    for (const status of ['scheduled', 'ended'] as const) {
      const { id: townHallId } = await server.townHall({ status });
      const captioner = await staffIn('captioner', townHallId);
      expect(await command(captioner, 'captions:send', { townHallId, text: 'too early or too late' })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT' },
      });
      expect(await transcript(townHallId)).toEqual([]);
    }
  });
});
