import { describe, expect, it } from 'vitest';
import { applyUpdate, canMove, dayOf, doneOnTime, isOverdue, isRealDay } from '../../server/commitments/rules.js';
import type { CommitmentView } from '../../shared/followups.js';

const commitment: CommitmentView = {
  id: 'c1',
  townHallId: null,
  questionIds: [],
  topicIds: [],
  text: 'Extra patrols on Elm Street',
  unitId: 'u1',
  dueDate: '2027-03-01',
  status: 'planned',
  dropReason: null,
  createdAt: 0,
  createdByName: 'Sgt. Rivera',
  doneAt: null,
  updates: [],
};

describe('commitment rules', () => {
  it('allows only the moves COMMITMENT_TRANSITIONS lists, and none out of done or dropped', () => {
    expect(canMove('planned', 'in-progress')).toBe(true);
    expect(canMove('planned', 'done')).toBe(true);
    expect(canMove('in-progress', 'dropped')).toBe(true);
    expect(canMove('in-progress', 'planned')).toBe(false);
    expect(canMove('planned', 'planned')).toBe(false);
    expect(canMove('done', 'in-progress')).toBe(false);
    expect(canMove('dropped', 'planned')).toBe(false);
  });

  it('counts the day in the given zone', () => {
    const at = Date.UTC(2027, 2, 1, 3, 0); // 03:00 UTC on 1 March is still 28 February in Los Angeles
    expect(dayOf(at)).toBe('2027-03-01');
    expect(dayOf(at, 'America/Los_Angeles')).toBe('2027-02-28');
  });

  it('accepts only days that exist', () => {
    expect(isRealDay('2028-02-29')).toBe(true);
    expect(isRealDay('2027-02-29')).toBe(false);
    expect(isRealDay('2027-13-01')).toBe(false);
  });

  it('calls overdue only what is still owed after its due date', () => {
    expect(isOverdue(commitment, '2027-03-01')).toBe(false);
    expect(isOverdue(commitment, '2027-03-02')).toBe(true);
    expect(isOverdue({ ...commitment, status: 'in-progress' }, '2027-03-02')).toBe(true);
    expect(isOverdue({ ...commitment, status: 'done' }, '2027-03-02')).toBe(false);
    expect(isOverdue({ ...commitment, status: 'dropped' }, '2027-03-02')).toBe(false);
  });

  it('calls done on time what was done on or before its due day', () => {
    expect(doneOnTime({ ...commitment, doneAt: Date.UTC(2027, 2, 1, 23, 59) })).toBe(true);
    expect(doneOnTime({ ...commitment, doneAt: Date.UTC(2027, 2, 2, 0, 1) })).toBe(false);
    expect(doneOnTime({ ...commitment, doneAt: null })).toBe(false);
  });

  it('appends an update, stamps doneAt when done and keeps the reason when dropped', () => {
    const note = applyUpdate(commitment, { at: 5, byName: 'A', status: null, text: 'Note' });
    expect(note).toMatchObject({ status: 'planned', doneAt: null, updates: [{ text: 'Note' }] });
    expect(commitment.updates).toEqual([]);
    expect(applyUpdate(note, { at: 9, byName: 'A', status: 'done', text: 'Done' })).toMatchObject({ status: 'done', doneAt: 9 });
    expect(applyUpdate(commitment, { at: 9, byName: 'A', status: 'dropped', text: 'No budget' })).toMatchObject({
      status: 'dropped',
      dropReason: 'No budget',
      doneAt: null,
    });
  });
});
