import { MAX_UNITS } from '../../shared/followups.js';
import { createNamedListService, type NamedListService } from './named-list.js';
import type { NamedListStore } from './named-list-store.js';

/**
 * What the rest of the server may ask of the department's units (Patrol, Traffic…): follow-ups
 * are assigned to them, commitments owned by them, staff accounts belong to one.
 */
export type UnitService = NamedListService;

export const createUnitService = (store: NamedListStore, now: () => number = Date.now): UnitService =>
  createNamedListService(store, { noun: 'unit', max: MAX_UNITS }, now);
