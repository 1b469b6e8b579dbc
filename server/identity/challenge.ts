import { createHmac } from 'node:crypto';
import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { IdentityChallenge, IdentityProof } from '../../shared/session.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';

/**
 * What a new identity costs a network. The first `freePerNetwork` in a window are free (a
 * household, a phone and a laptop); each one after that asks the browser for proof of work
 * whose expected cost doubles with every further identity, from `baseWork` hashes up.
 */
export interface IdentityCost {
  freePerNetwork: number;
  baseWork: number;
  /** The most one identity costs (by default 256 times the base: minutes in a phone's browser). */
  maxWork?: number;
}

const DEFAULT_MAX_DOUBLINGS = 8;
const CHALLENGE_TTL_S = 5 * 60;
const RATES = {
  /** Identities a network made in the last six hours set the price of the next one. */
  make: { name: 'identity:make', points: 1_000_000, seconds: 6 * 3600 },
  /** Identities a network made in the last fifteen minutes: the "fresh identities" the vote guard watches. */
  makeRecently: { name: 'identity:make-recently', points: 1_000_000, seconds: 15 * 60 },
  /** A solved challenge is spent once. */
  spendChallenge: { name: 'identity:spend-challenge', points: 1, seconds: CHALLENGE_TTL_S * 2 },
} satisfies Record<string, RateRule>;

export interface IdentityChallenges {
  /**
   * Resolves when the network may make another identity: free, or `proof` is a solved,
   * unspent challenge issued to this network at the current price. Otherwise throws
   * CHALLENGE_REQUIRED carrying a fresh challenge.
   */
  admit(network: string, proof: IdentityProof | undefined): Promise<void>;
  /** Counts an identity the network made. */
  made(network: string): Promise<void>;
  /**
   * Counts an identity made with a hall's code among the network's recent ones, so votes piling
   * up from such identities reach the town hall's staff, without raising the price of the next.
   */
  madeWithHallCode(network: string): Promise<void>;
  /** Identities the network made in the last fifteen minutes. */
  madeRecently(network: string): Promise<number>;
}

export function createIdentityChallenges(deps: { secret: string; limits: RateLimits; cost: IdentityCost }): IdentityChallenges {
  const { limits, cost } = deps;
  // Keys of their own, so a leak of one says nothing about the session-signing secret.
  const signing = createHmac('sha256', deps.secret).update('identity-challenge').digest('base64url');
  const keySigning = createHmac('sha256', deps.secret).update('identity-challenge-key').digest('base64url');

  const maxWork = cost.maxWork ?? cost.baseWork * 2 ** DEFAULT_MAX_DOUBLINGS;
  const workFor = (made: number): number => {
    const doublings = Math.min(30, Math.max(0, made - cost.freePerNetwork));
    return Math.max(1, Math.min(maxWork, Math.round(cost.baseWork * 2 ** doublings)));
  };

  const challengeFor = async (network: string, work: number): Promise<IdentityChallenge> => {
    // The counter is drawn from the upper half, so the expected search is about 3/4 of `work`.
    const counter = Math.floor(work / 2 + Math.random() * (work / 2));
    const challenge = await createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter,
      deriveKey,
      data: { network, work },
      expiresAt: Math.floor(Date.now() / 1000) + CHALLENGE_TTL_S,
      hmacSignatureSecret: signing,
      hmacKeySignatureSecret: keySigning,
    });
    return challenge as IdentityChallenge;
  };

  const required = async (network: string, made: number, message: string): Promise<never> => {
    throw new CommandError(ErrorCode.CHALLENGE_REQUIRED, message, { challenge: await challengeFor(network, workFor(made)) });
  };

  return {
    async admit(network, proof) {
      const made = await limits.count(RATES.make, network);
      if (made < cost.freePerNetwork) return;
      if (!proof) return required(network, made, 'Please wait while your browser proves it is not a script.');
      const data = proof.challenge.parameters.data as { network?: unknown; work?: unknown } | undefined;
      const result = await verifySolution({
        challenge: proof.challenge as Parameters<typeof verifySolution>[0]['challenge'],
        solution: proof.solution,
        deriveKey,
        hmacSignatureSecret: signing,
        hmacKeySignatureSecret: keySigning,
      }).catch(() => ({ verified: false }));
      const fits = data?.network === network && typeof data.work === 'number' && data.work >= workFor(made);
      if (!result.verified || !fits) return required(network, made, 'That check did not pass; your browser will try again.');
      const spent = await limits.consume(RATES.spendChallenge, proof.challenge.parameters.nonce);
      if (!spent.ok) return required(network, made, 'That check was already used; your browser will try again.');
    },
    async made(network) {
      await Promise.all([limits.consume(RATES.make, network), limits.consume(RATES.makeRecently, network)]);
    },
    async madeWithHallCode(network) {
      await limits.consume(RATES.makeRecently, network);
    },
    madeRecently: (network) => limits.count(RATES.makeRecently, network),
  };
}
