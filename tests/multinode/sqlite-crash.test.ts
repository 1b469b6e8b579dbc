// The single node on the embedded store, killed with SIGKILL mid-event and started again on the
// same file: everything it acknowledged is still there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStores } from '../../server/stores.js';
import { connectTo, guestAt, startNode, type NodeProcess } from '../support/nodes.js';
import { command, unwrap, type ClientSocket } from '../support/server.js';

const PEOPLE = 60;

describe('the embedded store after kill -9', () => {
  let node: NodeProcess | undefined;
  afterAll(() => node?.stop());

  it('keeps every acknowledged question and vote', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-crash-'));
    // The town hall is written before the node opens the file, as an admin would have made it.
    const seed = await openStores({ kind: 'sqlite', file: path.join(dataDir, 'roundtable.db') });
    const townHallId = (await seed.townHalls.create({ title: 'Crash', description: '', startsAt: 1, status: 'live', moderation: 'post' })).id;
    await seed.close();

    node = await startNode({ dataDir });
    const url = node.url;
    const people: ClientSocket[] = await Promise.all(
      Array.from({ length: PEOPLE }, async (_, i) => connectTo(url, await guestAt(url, `Person ${i}`))),
    );
    for (const s of people) unwrap(await command(s, 'townhall:join', { townHallId }));
    const first = unwrap(await command(people[0]!, 'qa:ask', { townHallId, text: 'First' }));

    const ackedQuestions = new Set<string>([first.id]);
    const ackedVoters = new Set<number>();
    // Everyone asks and votes at once; the node dies while answers are still coming back.
    const acting = people.map(async (s, i) => {
      const asked = await command(s, 'qa:ask', { townHallId, text: `Question ${i}` }).catch(() => null);
      if (asked?.ok) ackedQuestions.add(asked.data.id);
      const voted = await command(s, 'qa:vote', { questionId: first.id, voted: true }).catch(() => null);
      if (voted?.ok) ackedVoters.add(i);
    });
    // Kill as soon as the first answers are in, so some are acknowledged and some are not.
    await new Promise<void>((resolve) => {
      const check = () => (ackedQuestions.size > PEOPLE / 4 ? resolve() : setImmediate(check));
      check();
    });
    await node.kill();
    await Promise.all(acting);
    for (const s of people) s.disconnect();
    expect(ackedQuestions.size).toBeGreaterThan(PEOPLE / 4);

    node = await startNode({ dataDir });
    const reader = await connectTo(node.url, await guestAt(node.url, 'Reader'));
    const snapshot = unwrap(await command(reader, 'townhall:join', { townHallId })).qa;
    const stored = new Map(snapshot.questions.map((q) => [q.id, q]));
    for (const id of ackedQuestions) expect(stored.has(id), `question ${id} was acknowledged`).toBe(true);
    expect(stored.get(first.id)!.votes).toBeGreaterThanOrEqual(ackedVoters.size);
    reader.disconnect();
  });
});
