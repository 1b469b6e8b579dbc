// A finished town hall for the demo, so its public record has something to show: questions
// answered in writing and live, one not reached, one removed by a moderator, a closed poll,
// chat and captions. Written straight into the stores, as the event would have left them.
import type { StaffRole } from '../shared/roles.js';
import { newId } from './core/ids.js';
import type { App } from './app.js';
import type { Stores } from './stores.js';

interface Person {
  id: string;
  displayName: string;
}

/**
 * The stores stamp records with the current time. A past event needs past times, so the
 * seeding runs on a clock that starts when the event started and moves on as it unfolds.
 */
async function onClock<T>(start: number, run: (advance: (minutes: number) => void) => Promise<T>): Promise<T> {
  const realNow = Date.now;
  let now = start;
  Date.now = () => now;
  try {
    return await run((minutes) => (now += minutes * 60_000));
  } finally {
    Date.now = realNow;
  }
}

export async function seedPastTownHall(app: App, stores: Stores, residents: Person[], officer: Person, moderator: Person): Promise<void> {
  const started = Date.now() - 9 * 24 * 3600_000;
  await onClock(started, async (advance) => {
    const hall = await app.townHalls.create({
      title: 'Eastside Community Town Hall',
      description: 'Quarterly meeting with the Eastside patrol team: burglaries, the new bike unit and youth outreach.',
      startsAt: started,
      status: 'live',
      moderation: 'post',
      hosts: [officer],
    });
    const ask = async (by: Person, text: string, anonymous = false) =>
      stores.questions.addQuestion({
        townHallId: hall.id,
        authorId: by.id,
        authorName: by.displayName,
        authorRole: null,
        anonymous,
        text,
        status: 'published',
        holdReason: null,
        filterHits: [],
      });
    const chat = (by: Person, text: string, authorRole: StaffRole | null = null) =>
      stores.chat.add({ townHallId: hall.id, authorId: by.id, authorName: by.displayName, authorRole, text, status: 'published', holdReason: null, filterHits: [] });
    const caption = (text: string) => stores.captions.add({ townHallId: hall.id, authorId: officer.id, authorRole: 'officer', text });
    const [maria, tom, aisha] = residents as [Person, Person, Person];

    await caption('Good evening, and thank you for joining the Eastside town hall.');
    await chat(maria, 'Hello from Pine Street!');
    advance(2);
    const burglaries = await ask(maria, 'Have burglaries on the east side gone up since the summer?');
    const bikes = await ask(tom, 'When will the new bike unit start patrolling the river path?');
    // Asked, never reached: the record shows it as such.
    await ask(aisha, 'Can something be done about cars parked on the sidewalk near the school?', true);
    const rant = await ask(tom, 'This is a waste of time, you never listen to anyone here.');
    for (const voter of residents) await stores.questions.castVote(burglaries.id, voter.id);
    await stores.questions.castVote(bikes.id, maria.id);
    advance(4);
    await chat(tom, 'Is this being recorded?');
    await chat(officer, 'Yes: the record of this meeting will be public once it ends.', 'officer');
    await caption('Our first question is about burglaries on the east side.');
    await stores.questions.setAnswerState(burglaries.id, 'answering');
    advance(3);
    await stores.questions.setAnswerState(burglaries.id, 'answered');
    await caption('They are down eleven percent since June, mostly thanks to neighbours reporting open garages.');
    advance(5);
    await stores.questions.setAnswer(bikes.id, {
      text: 'The bike unit starts on the river path on the first of next month, weekdays from 7 a.m. to 7 p.m.',
      byName: officer.displayName,
      at: Date.now(),
    });
    advance(2);
    await stores.questions.transition(rant.id, ['published'], 'removed', { by: moderator.id, at: Date.now(), reason: 'off-topic', note: null });
    await stores.audit.append({
      at: Date.now(),
      actorId: moderator.id,
      actorName: moderator.displayName,
      action: 'remove',
      target: `question:${rant.id}`,
      reason: 'off-topic',
      note: null,
    });

    const poll = await stores.polls.createPoll({
      townHallId: hall.id,
      kind: 'single',
      question: 'Which should the patrol team focus on next quarter?',
      options: [
        { id: newId(), label: 'Burglaries' },
        { id: newId(), label: 'Speeding' },
        { id: newId(), label: 'Youth outreach' },
      ],
      maxChoices: null,
      scale: null,
      visibility: 'live',
      allowChange: true,
      createdBy: officer.id,
    });
    await stores.polls.transition(poll.id, 'open', Date.now());
    const choices = [0, 1, 1] as const;
    for (const [i, voter] of residents.entries()) {
      const ballot = { kind: 'single' as const, optionId: poll.options[choices[i]!]!.id };
      await stores.polls.castBallot(poll.id, voter.id, { ballot, castAt: Date.now(), status: 'published', holdReason: null, filterHits: [] }, true);
    }
    advance(3);
    await stores.polls.transition(poll.id, 'closed', Date.now());
    await chat(aisha, 'Thanks, this was useful.');
    await caption('Thank you all. Our next town hall is in three months.');
    advance(1);
    await stores.townHalls.transition(hall.id, 'live', 'ended', Date.now());
  });
}
