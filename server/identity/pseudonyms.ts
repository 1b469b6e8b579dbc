import { pseudonym } from './tokens.js';

/**
 * The name staff see for a person who hid theirs in a place: stable within that place,
 * different across places. Features get this function, not the server secret behind it.
 */
export type Pseudonyms = (userId: string, placeId: string) => string;

export function createPseudonyms(secret: string): Pseudonyms {
  return (userId, placeId) => pseudonym(secret, userId, placeId);
}
