// The public record needs no session, so it must not cost a full rebuild per request: an ended
// town hall's record is built once and served until something changes it, and one network
// asking for records as fast as it can is told to wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type TownHallRecordView } from '../../shared/record.js';
import { RATES } from '../../server/record/routes.js';
import { command, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe('the record endpoint under load', () => {
  let server: TestServer;
  let townHallId: string;
  let moderator: ClientSocket;
  let admin: Session;
  const ids: string[] = [];
  /** Every read of the audit log, by the sequence number it read after. */
  const auditReads: number[] = [];

  const get = (path: string) => fetch(`${server.url}/api/townhalls/${townHallId}/${path}`);
  const readRecord = async (): Promise<TownHallRecordView> => {
    const res = await get('record');
    expect(res.status).toBe(200);
    return ((await res.json()) as { record: TownHallRecordView }).record;
  };
  const removals = (record: TownHallRecordView) => record.moderation!.filter((m) => m.action === 'remove').reduce((n, m) => n + m.count, 0);

  beforeAll(async () => {
    server = await startTestServer({
      wrapStores: (stores) => ({
        ...stores,
        audit: {
          append: (entry) => stores.audit.append(entry),
          head: () => stores.audit.head(),
          list: (afterSeq, limit) => (auditReads.push(afterSeq), stores.audit.list(afterSeq, limit)),
        },
      }),
    });
    admin = await server.staff('admin');
    townHallId = (await server.townHall()).id;
    const join = async (s: ClientSocket) => (unwrap(await command(s, 'townhall:join', { townHallId })), s);
    moderator = await join(await server.connect(await server.staff('moderator')));
    for (const name of ['Ada', 'Ben', 'Cy']) {
      const socket = await join(await server.connect(await server.guest(name)));
      ids.push(unwrap(await command(socket, 'qa:ask', { townHallId, text: `A question from ${name}`, anonymous: false })).id);
    }
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: ids[0]! }, action: 'remove', reason: 'spam' }));
    await server.app.townHalls.end(townHallId, admin.me);
  });
  afterAll(() => server.close());

  it('reads the audit log for the first request only, whatever form the record is asked in', async () => {
    expect(removals(await readRecord())).toBe(1);
    const afterFirst = auditReads.length;
    expect(afterFirst).toBeGreaterThan(0);
    for (const path of ['record', 'record.csv', 'record.json', 'record']) expect((await get(path)).status).toBe(200);
    expect(auditReads.length).toBe(afterFirst);
  });

  it('builds the record again after a moderation decision on its content, reading only the new entries', async () => {
    const before = auditReads.length;
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: ids[1]! }, action: 'remove', reason: 'off-topic' }));
    expect(removals(await readRecord())).toBe(2);
    const rebuild = auditReads.slice(before);
    expect(rebuild.length).toBeGreaterThan(0);
    // The entries read for the first build are not read again.
    expect(Math.min(...rebuild)).toBeGreaterThan(0);
  });

  it('builds the record again after the settings change', async () => {
    const put = (publish: typeof DEFAULT_SETTINGS.publish) =>
      fetch(`${server.url}/api/admin/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie: admin.cookie },
        body: JSON.stringify({ ...DEFAULT_SETTINGS, publish }),
      });
    expect((await put({ ...DEFAULT_SETTINGS.publish, moderation: false })).status).toBe(200);
    expect((await readRecord()).moderation).toBeNull();
    expect((await put(DEFAULT_SETTINGS.publish)).status).toBe(200);
    expect(removals(await readRecord())).toBe(2);
  });

  it('answers a flood of requests from one network with 429, Retry-After and RATE_LIMITED', async () => {
    let refused: Response | null = null;
    for (let i = 0; i <= RATES.read.points && !refused; i++) {
      const res = await get(i % 2 ? 'record.csv' : 'record');
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused).not.toBeNull();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused!.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.any(String), retryAfterMs: expect.any(Number) },
    });
  });
});
