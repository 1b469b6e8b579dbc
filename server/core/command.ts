import type { z } from 'zod';
import { CommandError, ErrorCode, fail, ok, type Ack, type Result } from '../../shared/errors.js';
import type { ClientToServerEvents, CommandName } from '../../shared/events.js';
import type { Logger } from './log.js';
import type { RateLimits, RateRule } from './rate-limit.js';
import type { AppServer, AppSocket, SessionUser } from './types.js';

type AckData<E extends CommandName> = Parameters<ClientToServerEvents[E]>[1] extends Ack<infer T> ? T : never;

export interface CommandContext {
  io: AppServer;
  socket: AppSocket;
  user: SessionUser;
}

export interface Command<E extends CommandName, S extends z.ZodType> {
  schema: S;
  /** Role check before anything else runs. */
  allow?: (user: SessionUser) => boolean;
  /**
   * The town hall a command names in its payload: the connection must have joined it, checked
   * before the rate budget is spent (a refused command costs nothing). Commands that name only
   * an item (a question, a poll) check membership in `run`, once the item's town hall is read.
   */
  townHall?: (input: z.output<S>) => string;
  limit?: RateRule;
  run(ctx: CommandContext, input: z.output<S>): Promise<AckData<E>>;
}

export interface CommandDeps {
  io: AppServer;
  limits: RateLimits;
  log: Logger;
  /** Errors a store throws when its backend is unreachable, answered as UNAVAILABLE. */
  isUnavailable?: (err: unknown) => boolean;
}

/** The answer to a spent rate budget, wherever the budget is checked. */
export const tooFast = (retryAfterMs: number): CommandError =>
  new CommandError(ErrorCode.RATE_LIMITED, `Too fast: try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { retryAfterMs });

/**
 * The refusal of a command about a town hall the connection has not joined. The wrapper gives
 * back the rate point such a command spent: not having joined costs nothing, whichever check
 * (the wrapper's, or the handler's once it has read the item's town hall) finds it.
 */
export class NotJoinedError extends CommandError {
  constructor() {
    super(ErrorCode.FORBIDDEN, 'Join the town hall first.');
  }
}

/**
 * The only commands a watcher (a visitor with no name yet, SessionUser.watcher) may send: coming
 * into a town hall and going, and receiving its video. Everything else, including every command
 * added later, is refused with UNAUTHENTICATED: a list of what is allowed fails closed.
 */
export const WATCHABLE: ReadonlySet<CommandName> = new Set<CommandName>([
  'townhall:join',
  'townhall:leave',
  'media:join',
  'media:leave',
  'media:create-transport',
  'media:connect-transport',
  'media:consume',
  'media:resume-consumer',
  'media:set-layers',
]);
export const WATCHER_REFUSAL = 'Join with a name to ask, vote and chat.';

/** The commands each connection has already been warned about sending without an acknowledgement. */
const unacknowledged = new WeakMap<AppSocket, Set<CommandName>>();

/**
 * The one path every client command takes: parse → authorise → joined → rate-limit → run → ack.
 * A payload that does not match the schema, a wrong role, a town hall not joined or a spent
 * budget changes nothing;
 * unexpected errors are logged and answered with INTERNAL, never with their text.
 */
function commandListener<E extends CommandName, S extends z.ZodType>(
  deps: CommandDeps,
  name: E,
  command: Command<E, S>,
): (this: AppSocket, ...args: unknown[]) => Promise<void> {
  return async function listener(this: AppSocket, ...args: unknown[]) {
    const socket = this;
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') {
      // Logged once per connection and command: a client looping on one cannot flood the log.
      const warned = unacknowledged.get(socket) ?? new Set<CommandName>();
      if (!warned.has(name)) {
        warned.add(name);
        unacknowledged.set(socket, warned);
        deps.log.warn({ event: name, socket: socket.id }, 'command without acknowledgement ignored');
      }
      return;
    }
    const started = performance.now();
    const observe = observers.get(deps.io);
    const reply = observe
      ? (result: Result<unknown>) => {
          observe(name, result.ok ? 'ok' : result.error.code, (performance.now() - started) / 1000);
          (ack as (result: Result<unknown>) => void)(result);
        }
      : (ack as (result: Result<unknown>) => void);
    const user = socket.data.user;
    // First of all, whatever the payload: a watcher learns nothing from a command it may not send.
    if (user.watcher && !WATCHABLE.has(name)) return reply(fail(ErrorCode.UNAUTHENTICATED, WATCHER_REFUSAL));
    if (args.length !== 2) return reply(fail(ErrorCode.INVALID_PAYLOAD, 'Send one payload object.'));
    let spent: RateRule | null = null;
    try {
      const parsed = command.schema.safeParse(args[0]);
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(payload)'))];
        return reply(fail(ErrorCode.INVALID_PAYLOAD, 'The request was not valid.', { fields }));
      }
      if (command.allow && !command.allow(user)) {
        return reply(fail(ErrorCode.FORBIDDEN, 'Your role does not allow this.'));
      }
      if (command.townHall && !socket.data.townHalls.includes(command.townHall(parsed.data))) throw new NotJoinedError();
      if (command.limit) {
        const outcome = await deps.limits.consume(command.limit, user.id);
        if (!outcome.ok) throw tooFast(outcome.retryAfterMs);
        spent = command.limit;
      }
      reply(ok(await command.run({ io: deps.io, socket, user }, parsed.data)));
    } catch (err) {
      if (err instanceof NotJoinedError && spent) await deps.limits.refund(spent, user.id).catch(() => undefined);
      if (err instanceof CommandError) return reply(fail(err.code, err.message, err.extra));
      if (deps.isUnavailable?.(err)) {
        deps.log.warn({ event: name }, 'storage unavailable');
        return reply(fail(ErrorCode.UNAVAILABLE, 'The service is briefly unavailable; try again.'));
      }
      deps.log.error({ err, event: name, user: user.id }, 'command failed');
      reply(fail(ErrorCode.INTERNAL, 'Something went wrong on our side.'));
    }
  };
}

export type Bind = <E extends CommandName, S extends z.ZodType>(name: E, command: Command<E, S>) => void;

type Listener = (this: AppSocket, ...args: unknown[]) => Promise<void>;
/** Unknown events logged per connection at most, so a client cannot flood the log. */
const UNKNOWN_LOGGED = 5;
const unknownLogged = new WeakMap<AppSocket, number>();

/**
 * The commands of one server, and the one listener every connection dispatches them through
 * (Socket.IO's `onAny`, called with `this` set to the socket): one listener per connection
 * rather than one per command. With thousands of people in a room, per-command listeners and
 * the closures they held were most of what a connection cost in memory.
 */
function dispatcherOf(io: AppServer, log: Logger): Map<CommandName, Listener> {
  const known = dispatchers.get(io);
  if (known) return known;
  const commands = new Map<CommandName, Listener>();
  dispatchers.set(io, commands);
  function dispatch(this: AppSocket, event: string, ...args: unknown[]): void {
    const listener = commands.get(event as CommandName);
    if (listener) {
      const ack = args[args.length - 1];
      if (typeof ack === 'function' && sheds.get(io)?.(this.data.user, event as CommandName)) {
        observers.get(io)?.(event, ErrorCode.UNAVAILABLE, 0);
        return void (ack as (result: Result<never>) => void)(
          fail(ErrorCode.UNAVAILABLE, 'The town hall is very busy; try again in a moment.', { retryAfterMs: SHED_RETRY_MS }),
        );
      }
      return void listener.apply(this, args);
    }
    const logged = unknownLogged.get(this) ?? 0;
    if (logged >= UNKNOWN_LOGGED) return;
    unknownLogged.set(this, logged + 1);
    log.warn({ event: String(event).slice(0, 64), socket: this.id }, 'unknown event ignored');
  }
  io.on('connection', (socket) => void socket.onAny(dispatch));
  return commands;
}
const dispatchers = new WeakMap<AppServer, Map<CommandName, Listener>>();
const sheds = new WeakMap<AppServer, (user: SessionUser, name: CommandName) => boolean>();

/** Told of every command answered: its name, `ok` or the error code, and how long it took (s). */
export type CommandObserver = (name: string, outcome: string, seconds: number) => void;
const observers = new WeakMap<AppServer, CommandObserver>();

/** Every command of this server is reported to `observer` as it is answered (the metrics). */
export function observeCommands(io: AppServer, observer: CommandObserver): void {
  observers.set(io, observer);
}
/** How long a refused command is asked to wait while the node is overloaded. */
const SHED_RETRY_MS = 1000;
/** Commands never refused for load: coming in and going out of a room. */
const NEVER_SHED = new Set<CommandName>(['townhall:join', 'townhall:leave']);

/**
 * Under overload, residents' commands are answered at once with UNAVAILABLE (and a
 * `retryAfterMs`) instead of waiting behind a backlog the node cannot clear: an answer in
 * milliseconds, and work the node does not take on. Staff commands (hosting, moderation) and
 * joining or leaving a room always run.
 */
export function shedUnderLoad(io: AppServer, overloaded: () => boolean): void {
  sheds.set(io, (user, name) => user.role === 'resident' && !NEVER_SHED.has(name) && overloaded());
}

/**
 * A feature's commands, defined once for the whole server and dispatched by the server's one
 * listener per connection (above). A command reaches its connection through `run`'s context,
 * never through a variable captured per connection.
 */
export function commandBinder(deps: CommandDeps): Bind {
  const commands = dispatcherOf(deps.io, deps.log);
  const schemas = schemasByServer.get(deps.io) ?? new Map<CommandName, z.ZodType>();
  schemasByServer.set(deps.io, schemas);
  return (name, command) => {
    schemas.set(name, command.schema);
    commands.set(name, commandListener(deps, name, command));
  };
}

const schemasByServer = new WeakMap<AppServer, Map<CommandName, z.ZodType>>();

/**
 * Every command a server answers, with the schema its payload is checked against: the source
 * of the machine-readable contract (scripts/contract.ts), so the document cannot drift from
 * what the server accepts.
 */
export function commandSchemas(io: AppServer): ReadonlyMap<CommandName, z.ZodType> {
  return schemasByServer.get(io) ?? new Map();
}
