import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured, namespaced logging. Personal data (names, question text, IP addresses) is never
 * logged: log ids and outcomes only. Tests pass level 'silent', or a destination to read the
 * lines from.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: ['password', '*.password', 'cookie', '*.cookie', 'req.headers.cookie'], remove: true },
  };
  return destination ? pino(options, destination) : pino(options);
}
