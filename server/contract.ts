// The machine-readable contract: every command the server answers, with the JSON Schema of its
// payload made by zod from the very schema the server checks it with, the acknowledgement's
// shape and the error codes. `npm run contract` writes it to docs/contract.json; a test fails
// when the committed file differs from what the code makes, so the two cannot drift.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ErrorCode } from '../shared/errors.js';
import { createApp } from './app.js';
import { commandSchemas } from './core/command.js';
import { createLogger } from './core/log.js';
import { openStores } from './stores.js';

export interface Contract {
  title: string;
  description: string;
  errorCodes: string[];
  acknowledgement: unknown;
  commands: Record<string, { payload: unknown }>;
}

// Transforms (trimming, lower-casing) have no JSON Schema: a payload is described as it is sent.
const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const Acknowledgement = z.union([
  z.strictObject({ ok: z.literal(true), data: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    error: z.looseObject({
      code: z.enum(Object.values(ErrorCode) as [string, ...string[]]),
      message: z.string(),
      retryAfterMs: z.number().optional(),
      fields: z.array(z.string()).optional(),
    }),
  }),
]);

/** Builds the contract from a real server, made on a throwaway embedded store and never started. */
export async function buildContract(): Promise<Contract> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rt-contract-'));
  const stores = await openStores({ kind: 'sqlite', file: path.join(dir, 'contract.db') });
  const app = createApp(
    {
      allowedOrigins: [],
      secureCookies: false,
      tallyIntervalMs: 100,
      clientDir: dir,
      filterWords: [],
      flagThreshold: 3,
      flagAccountAgeHours: 72,
      secret: 'contract-secret-contract-secret-contract',
      integrity: { votesPerNetwork: 10, identities: { freePerNetwork: 3, baseWork: 1 } },
    },
    { stores, log: createLogger('silent') },
  );
  try {
    const commands = Object.fromEntries(
      [...commandSchemas(app.io)].sort(([a], [b]) => a.localeCompare(b)).map(([name, schema]) => [name, { payload: schemaOf(schema) }]),
    );
    return {
      title: 'Roundtable real-time commands (Socket.IO 4)',
      description:
        'Each command is emitted with one payload object and an acknowledgement callback; the payload must match its schema, and the acknowledgement is one Acknowledgement. Facts the server sends, and the shapes in acknowledgements, are described in docs/protocol.md and typed in shared/.',
      errorCodes: Object.values(ErrorCode),
      acknowledgement: schemaOf(Acknowledgement),
      commands,
    };
  } finally {
    await app.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const CONTRACT_FILE = 'docs/contract.json';
export const renderContract = (contract: Contract): string => `${JSON.stringify(contract, null, 2)}\n`;
