import { timingSafeEqual, createHash } from 'node:crypto';
import type express from 'express';
import type { Registry } from 'prom-client';

/**
 * `GET /metrics` in Prometheus's text format. On the public port it answers only a scraper that
 * sends `Authorization: Bearer <ROUNDTABLE_METRICS_TOKEN>` (401 otherwise); on its own address
 * (ROUNDTABLE_METRICS_ADDRESS, which the operator keeps off the public network) `token` is null.
 */
export function metricsHandler(registry: Registry, token: string | null): express.RequestHandler {
  const expected = token === null ? null : digest(token);
  return async (req, res, next) => {
    try {
      if (expected !== null) {
        const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        // Compared as digests, in constant time, so the token's length and prefix are not timed.
        if (!given || !timingSafeEqual(digest(given), expected)) {
          res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: { code: 'UNAUTHENTICATED', message: 'The metrics need their token.' } });
          return;
        }
      }
      res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(await registry.metrics());
    } catch (err) {
      next(err);
    }
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();
