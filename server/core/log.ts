import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured, namespaced logging. Personal data (names, question text, IP addresses) is never
 * logged: log ids and outcomes only. Tests pass level 'silent'.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['password', '*.password', 'cookie', '*.cookie', 'req.headers.cookie'], remove: true },
  });
}
