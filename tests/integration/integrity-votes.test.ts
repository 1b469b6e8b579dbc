// One person, one voice: a script on one network cannot fake a crowd of voters, while a hall
// of residents sharing one Wi-Fi, let in with the hall's code, all vote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/core/log.js';
import type { AppError } from '../../shared/errors.js';
import type { Me } from '../../shared/session.js';
import { command, nextEvent, solveIdentityChallenge, startTestServer, unwrap, type TestServer } from '../support/server.js';

const LIMITS = { votesPerNetwork: 10, identities: { freePerNetwork: 3, baseWork: 8, maxWork: 64 } };

type JoinAnswer = { status: number; me?: Me; cookie?: string; error?: AppError };

async function postGuest(server: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<JoinAnswer> {
  const res = await fetch(`${server.url}/api/session/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { me?: Me; error?: AppError };
  return { status: res.status, ...json, cookie: res.headers.getSetCookie()[0]?.split(';')[0] };
}

const solve = solveIdentityChallenge;

describe.each(['sqlite', 'redis'] as const)('votes from one network on the %s store', (store) => {
  let server: TestServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    const log = createLogger('info', { write: (line: string) => void logLines.push(line) });
    server = await startTestServer({ store, integrity: LIMITS, tallyIntervalMs: 50, log });
  });
  afterAll(() => server.close());

  const askQuestion = async (townHallId: string) => {
    const asker = await server.connect(await server.guest('Asker'));
    unwrap(await command(asker, 'townhall:join', { townHallId }));
    return unwrap(await command(asker, 'qa:ask', { townHallId, text: 'When will the Elm Street crossing get a guard?', anonymous: false }));
  };

  it('asks for proof of work once a network has made its free identities, and makes nothing without it', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await postGuest(server, { displayName: `Throwaway ${i}` }));
    // The test server's network has made other identities already, so at most three are free.
    const refused = answers.filter((a) => a.status === 428);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const a of refused) {
      expect(a.error?.code).toBe('CHALLENGE_REQUIRED');
      expect(a.error?.challenge?.parameters.algorithm).toBe('SHA-256');
      expect(a.cookie).toBeUndefined();
    }
  });

  it('refuses a solved challenge the second time, and one solved for another network', async () => {
    const first = await postGuest(server, { displayName: 'Replayer' });
    expect(first.status).toBe(428);
    const proof = await solve(first.error!.challenge!);
    expect((await postGuest(server, { displayName: 'Replayer', proof })).status).toBe(200);
    const replay = await postGuest(server, { displayName: 'Replayer again', proof });
    expect(replay.status).toBe(428);
    const forged = structuredClone(proof);
    (forged.challenge.parameters.data as { network: string }).network = 'someone-else';
    expect((await postGuest(server, { displayName: 'Forger', proof: forged })).status).toBe(428);
  });

  it('lets 100 scripted guests from one address raise a question by at most 10 votes', async () => {
    const townHallId = (await server.townHall()).id;
    const question = await askQuestion(townHallId);
    const officer = await server.staff('officer', 'Officer Watch');
    const staffSocket = await server.connect(officer);
    unwrap(await command(staffSocket, 'townhall:join', { townHallId }));
    const surge = nextEvent(staffSocket, 'townhall:votes-surged', (s) => s.target.id === question.id);

    const outcomes: string[] = [];
    for (let i = 0; i < 100; i++) {
      const socket = await server.connect(await server.guest(`Sock ${i}`));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      const result = await command(socket, 'qa:vote', { questionId: question.id, voted: true });
      outcomes.push(result.ok ? 'counted' : `${result.error.code}:${result.error.scope}`);
      socket.disconnect();
    }
    expect(outcomes.filter((o) => o === 'counted')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED:network')).toHaveLength(90);
    const stored = await server.stores.questions.getQuestion(question.id);
    expect(stored?.votes).toBe(10);
    // The refusals reach the log once, by ids: never the address or a name.
    const capped = logLines.filter((l) => l.includes('votes from one network capped') && l.includes(question.id));
    expect(capped).toHaveLength(1);
    expect(capped[0]).not.toContain('127.0.0.1');
    expect(capped[0]).not.toContain('Sock');
    // The officer running the room is told that fresh identities on one network piled on.
    expect((await surge).votes).toBeGreaterThanOrEqual(3);
  });

  it('lets scripted guests from one address add at most 10 ballots to a poll', async () => {
    const host = await server.staff('officer', 'Officer Polls');
    const townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    const hostSocket = await server.connect(host);
    unwrap(await command(hostSocket, 'townhall:join', { townHallId }));
    const draft = unwrap(await command(hostSocket, 'poll:create', { townHallId, kind: 'single', question: 'Which park first?', options: ['North', 'South'] }));
    const poll = unwrap(await command(hostSocket, 'poll:open', { pollId: draft.id }));
    const codes: string[] = [];
    for (let i = 0; i < 15; i++) {
      const socket = await server.connect(await server.guest(`Ballot ${i}`));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      const cast = await command(socket, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[0]!.id } });
      codes.push(cast.ok ? 'counted' : cast.error.code);
      socket.disconnect();
    }
    expect(codes.filter((c) => c === 'counted')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(5);
    expect(await server.stores.polls.ballots(poll.id)).toHaveLength(10);
  });

  it('lets 150 people in a hall, sharing one address, join with its code and all vote', async () => {
    const host = await server.staff('officer', 'Officer Host');
    const townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    const hostSocket = await server.connect(host);
    const { code } = unwrap(await command(hostSocket, 'townhall:hall-code', { townHallId }));
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    const question = await askQuestion(townHallId);
    // The hosts see the hall's votes come in as new identities on one network: expected in a
    // hybrid meeting, and what they would see if the code leaked.
    const surge = nextEvent(hostSocket, 'townhall:votes-surged', (s) => s.target.id === question.id);
    unwrap(await command(hostSocket, 'townhall:join', { townHallId }));

    for (let i = 0; i < 150; i++) {
      const answer = await postGuest(server, { displayName: `Neighbour ${i}`, hall: { townHallId, code: code.toLowerCase() } });
      expect(answer.status).toBe(200);
      const socket = await server.connect({ cookie: answer.cookie!, me: answer.me! });
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      unwrap(await command(socket, 'qa:vote', { questionId: question.id, voted: true }));
      socket.disconnect();
    }
    expect((await server.stores.questions.getQuestion(question.id))?.votes).toBe(150);
    expect((await surge).votes).toBeGreaterThanOrEqual(3);
  });

  it('admits a resident who already has a session with the hall code, and refuses a wrong one', async () => {
    const host = await server.staff('officer', 'Officer Door');
    const townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    const { code } = unwrap(await command(await server.connect(host), 'townhall:hall-code', { townHallId }));
    const session = await server.guest('Already here');
    const resident = await server.connect(session);
    const wrong = await command(resident, 'townhall:admit', { townHallId, code: code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA' });
    expect(wrong.ok ? null : wrong.error.code).toBe('FORBIDDEN');
    expect(await server.stores.townHalls.isAdmitted(townHallId, session.me.id)).toBe(false);
    unwrap(await command(resident, 'townhall:admit', { townHallId, code }));
    expect(await server.stores.townHalls.isAdmitted(townHallId, session.me.id)).toBe(true);
    const guessed = await postGuest(server, { displayName: 'Guesser', hall: { townHallId, code: 'ZZZZZZ' } });
    expect([403, 428]).toContain(guessed.status);
    expect(guessed.error?.code).toBe('FORBIDDEN');
  });

  it('shows the hall code to its hosts only', async () => {
    const host = await server.staff('officer', 'Officer Shown');
    const other = await server.staff('officer', 'Officer Elsewhere');
    const townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    const refused = await command(await server.connect(other), 'townhall:hall-code', { townHallId });
    expect(refused.ok ? null : refused.error.code).toBe('FORBIDDEN');
    const resident = await command(await server.connect(await server.guest('Curious')), 'townhall:hall-code', { townHallId });
    expect(resident.ok ? null : resident.error.code).toBe('FORBIDDEN');
  });
});

describe('the client address behind proxies', () => {
  let direct: TestServer;
  let proxied: TestServer;

  beforeAll(async () => {
    direct = await startTestServer({ integrity: LIMITS });
    proxied = await startTestServer({ integrity: LIMITS, trustProxy: ['loopback'] });
  });
  afterAll(async () => {
    await direct.close();
    await proxied.close();
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await postGuest(direct, { displayName: `Rotator ${i}` }, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([428, 428, 428]);
  });

  it('reads the client from a trusted proxy, and counts an IPv6 /64 as one network', async () => {
    const a = await postGuest(proxied, { displayName: 'Tenant A' }, { 'x-forwarded-for': '198.51.100.7' });
    const b = await postGuest(proxied, { displayName: 'Tenant B' }, { 'x-forwarded-for': '198.51.100.8' });
    expect([a.status, b.status]).toEqual([200, 200]);
    const v6 = [];
    for (let i = 1; i <= 4; i++) {
      v6.push((await postGuest(proxied, { displayName: `Six ${i}` }, { 'x-forwarded-for': `2001:db8:1:2::${i.toString(16)}` })).status);
    }
    expect(v6).toEqual([200, 200, 200, 428]);
  });
});
