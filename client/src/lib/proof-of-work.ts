// Proof of work for a new identity: when a network has made several identities lately, the
// server answers CHALLENGE_REQUIRED with an ALTCHA challenge; the browser does the work (about
// half a second the first time, doubling with every further identity) and sends the request
// again with its proof. Nothing about the person is sent: only the solved numbers.
import type { Result } from '../../../shared/errors.js';
import type { IdentityProof } from '../../../shared/session.js';

/** Sends a request; asked for proof of work, does it and sends the request once more with it. */
export async function withProof<T>(send: (proof?: IdentityProof) => Promise<Result<T>>): Promise<Result<T>> {
  const first = await send();
  if (first.ok || first.error.code !== 'CHALLENGE_REQUIRED' || !first.error.challenge) return first;
  const challenge = first.error.challenge;
  // Loaded only when asked for: most people never meet a challenge.
  const [{ solveChallenge }, { deriveKey }] = await Promise.all([import('altcha-lib'), import('altcha-lib/algorithms/web/sha')]);
  const solution = await solveChallenge({ challenge: challenge as never, deriveKey });
  if (!solution) return first;
  return send({ challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } });
}
