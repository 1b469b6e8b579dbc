/**
 * The logging the media service needs, in pino's argument order (fields, then message) so
 * the server can pass its pino logger, or a child of it, straight in.
 */
export interface MediaLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const ignore = (): void => {};

export const silentLogger: MediaLogger = { info: ignore, warn: ignore, error: ignore };
