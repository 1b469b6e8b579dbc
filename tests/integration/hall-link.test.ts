import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';

// The hall's short link: /h/<code> leads to the live town hall whose code it is, with the code.
describe('the hall short link', () => {
  let server: TestServer;
  let host: Session;

  beforeAll(async () => {
    server = await startTestServer();
    host = await server.staff('officer', 'Sgt. Link');
  });
  afterAll(() => server.close());

  /** Where the server sends a browser that opens `path`. */
  const follow = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location') };
  };

  async function liveHall() {
    const { id } = await server.townHall({ hosts: [{ id: host.me.id, displayName: 'Sgt. Link' }] });
    const socket = await server.connect(host);
    unwrap(await command(socket, 'townhall:join', { townHallId: id }));
    const { code } = unwrap(await command(socket, 'townhall:present', { townHallId: id })).hallCode;
    return { id, code, socket };
  }

  it('sends the browser to the live town hall with its code, whatever the case it was typed in', async () => {
    await liveHall(); // another live town hall, whose code this is not
    const { id, code } = await liveHall();
    expect(await follow(`/h/${code}`)).toEqual({ status: 302, location: `/townhall/${id}?hall=${code}` });
    expect(await follow(`/h/${code.toLowerCase()}`)).toEqual({ status: 302, location: `/townhall/${id}?hall=${code}` });
  });

  it('sends an unknown code, or the code of a town hall that ended, to the list of town halls', async () => {
    const { id, code, socket } = await liveHall();
    unwrap(await command(socket, 'townhall:end', { townHallId: id }));
    expect(await follow(`/h/${code}`)).toEqual({ status: 302, location: '/' });
    expect(await follow('/h/AAAAAA')).toEqual({ status: 302, location: '/' });
    expect(await follow('/h/not-a-code')).toEqual({ status: 302, location: '/' });
  });

  it('stops answering a network that guessed too often, even for the right code', async () => {
    const { code } = await liveHall();
    let refused = 0;
    for (let i = 0; i < 25 && refused === 0; i++) {
      if ((await follow('/h/ZZZZZZ')).status === 429) refused = i;
    }
    expect(refused).toBeGreaterThan(0);
    const res = await fetch(`${server.url}/h/${code}`, { redirect: 'manual' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
