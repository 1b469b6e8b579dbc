import type { RaisedHand, Speaker, StageView } from '../../shared/media.js';

interface Stage {
  /** In the order they went up (Map keeps insertion order). */
  hands: Map<string, RaisedHand>;
  speakers: Map<string, Speaker>;
}

/**
 * Who has a hand up and who is on stage, per town hall. Invariant: a person is in at most one
 * of the two (bringing someone on stage lowers their hand).
 *
 * Kept in this process's memory for now, which is right for one node only: with several
 * nodes (issue 7) this moves behind a store interface with a Redis implementation, and the
 * media of a town hall is pinned to one node.
 */
export class StageState {
  readonly #stages = new Map<string, Stage>();

  #stage(townHallId: string): Stage {
    let stage = this.#stages.get(townHallId);
    if (stage === undefined) this.#stages.set(townHallId, (stage = { hands: new Map(), speakers: new Map() }));
    return stage;
  }

  view(townHallId: string): StageView {
    const stage = this.#stages.get(townHallId);
    return { speakers: stage ? [...stage.speakers.values()] : [], handCount: stage?.hands.size ?? 0 };
  }

  hands(townHallId: string): RaisedHand[] {
    return [...(this.#stages.get(townHallId)?.hands.values() ?? [])];
  }

  handRaised(townHallId: string, userId: string): boolean {
    return this.#stages.get(townHallId)?.hands.has(userId) ?? false;
  }

  isSpeaker(townHallId: string, userId: string): boolean {
    return this.#stages.get(townHallId)?.speakers.has(userId) ?? false;
  }

  /** False when the hand was already up. */
  raise(townHallId: string, person: { userId: string; displayName: string }, now = Date.now()): boolean {
    const stage = this.#stage(townHallId);
    if (stage.hands.has(person.userId)) return false;
    stage.hands.set(person.userId, { userId: person.userId, displayName: person.displayName, raisedAt: now });
    return true;
  }

  /** False when the hand was not up. */
  lower(townHallId: string, userId: string): boolean {
    return this.#stages.get(townHallId)?.hands.delete(userId) ?? false;
  }

  /** Moves a raised hand on stage; false when that person's hand is not up. */
  invite(townHallId: string, userId: string): boolean {
    const stage = this.#stages.get(townHallId);
    const hand = stage?.hands.get(userId);
    if (stage === undefined || hand === undefined) return false;
    stage.hands.delete(userId);
    stage.speakers.set(userId, { userId, displayName: hand.displayName });
    return true;
  }

  /** False when that person was not on stage. */
  sendBack(townHallId: string, userId: string): boolean {
    return this.#stages.get(townHallId)?.speakers.delete(userId) ?? false;
  }

  /** Takes a person off stage and out of the queue (they left, or were banned); what changed. */
  remove(townHallId: string, userId: string): { hand: boolean; speaker: boolean } {
    const stage = this.#stages.get(townHallId);
    return { hand: stage?.hands.delete(userId) ?? false, speaker: stage?.speakers.delete(userId) ?? false };
  }

  clear(townHallId: string): void {
    this.#stages.delete(townHallId);
  }
}
