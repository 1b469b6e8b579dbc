// The HTTP side of the app: security headers, the origin check, every feature's REST routes
// and the built client. app.ts makes the services; this only mounts them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { CommandError, ErrorCode } from '../shared/errors.js';
import { commitmentRoutes } from './commitments/routes.js';
import type { CommitmentService } from './commitments/service.js';
import type { Logger } from './core/log.js';
import type { RateLimits } from './core/rate-limit.js';
import { accountabilityRoutes, feedRoutes } from './accountability/routes.js';
import type { AccountabilityService } from './accountability/service.js';
import { forumRoutes } from './forum/routes.js';
import { errorHandler } from './http/errors.js';
import type { OriginCheck } from './http/origin.js';
import type { IdentityChallenges } from './identity/challenge.js';
import { identityRoutes, sessionMiddleware } from './identity/routes.js';
import type { IdentityService } from './identity/service.js';
import type { Sessions } from './identity/sessions.js';
import { staffRoutes } from './identity/staff-routes.js';
import { moderationRoutes } from './moderation/routes.js';
import type { Mailer } from './notifications/mail.js';
import { mailLinkRoutes, mailSettingsRoutes } from './notifications/routes.js';
import type { NotificationService } from './notifications/service.js';
import type { NotificationStore } from './notifications/store.js';
import type { CachedRecords } from './record/cache.js';
import { recordRoutes } from './record/routes.js';
import { settingsRoutes } from './settings/routes.js';
import { namedListRoutes } from './settings/named-list-routes.js';
import type { TopicService } from './settings/topics.js';
import type { UnitService } from './settings/units.js';
import { followUpRoutes } from './followups/routes.js';
import { recordingRoutes, type RecordingRouteDeps } from './recording/routes.js';
import type { FollowUpService } from './followups/service.js';
import { isUnavailable } from './storage/unavailable.js';
import type { Stores } from './stores.js';
import type { HallService } from './townhall/hall.js';
import { townHallRoutes } from './townhall/routes.js';
import { archiveRoutes } from './recording/compose-routes.js';
import type { Composer } from './recording/composer.js';
import type { RecordingLibrary } from './recording/library.js';
import { hallLinkRoutes } from './townhall/hall-link.js';
import type { TownHallService } from './townhall/service.js';

export interface HttpDeps {
  options: { secureCookies: boolean; secret: string; clientDir: string; maxBodyBytes: number };
  stores: Pick<Stores, 'forum' | 'audit' | 'settings'>;
  log: Logger;
  limits: RateLimits;
  originAllowed: OriginCheck;
  sessions: Sessions;
  identity: IdentityService;
  challenges: IdentityChallenges;
  halls: HallService;
  townHalls: TownHallService;
  records: CachedRecords;
  topics: TopicService;
  units: UnitService;
  followUps: FollowUpService;
  /** What the department said it would do (public reads, officers' writes). */
  commitments: CommitmentService;
  /** The accountability figures and the Atom feeds. */
  accountability: AccountabilityService;
  /** The site's public address, for the feeds' absolute links (the request's own when unset). */
  publicUrl?: string;
  /** The keyed hash of a request's network, for rate limits on requests without a session. */
  networkKey(req: express.Request): string;
  /** Followers' mail: the links in it and the admin's SMTP settings. */
  mail: { notices: NotificationService; mailer: Mailer; store: NotificationStore };
  /** `GET /metrics` on this port, behind its token (server/metrics/routes.ts); absent when off here. */
  metrics?: express.RequestHandler;
  /** The recordings the record page plays (library null: this server records nothing). */
  recordings: Pick<RecordingRouteDeps, 'library' | 'audit' | 'now'>;
  /** An admin changed the settings here (the record and the personal-information screen depend on them). */
  settingsChanged(): void;
  /** The recordings on this node and their composition (null when off), for the admin page. */
  archives?: { library: RecordingLibrary | null; composer: Composer | null };
}

/** Mounts everything the app answers over HTTP on `app`, in the order it is matched. */
export function mountHttp(app: express.Express, deps: HttpDeps): void {
  const { options, stores, log, limits, sessions, identity, records } = deps;
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // Inline styles are allowed (Svelte sets some); scripts stay strictly same-origin.
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          upgradeInsecureRequests: options.secureCookies ? [] : null,
        },
      },
      // Strict-Transport-Security over plain http would pin a browser to an https the server
      // does not serve; secureCookies is what says the public address is https.
      strictTransportSecurity: options.secureCookies,
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Off on this port unless a token opens it: a page would otherwise answer the path.
  app.get('/metrics', deps.metrics ?? ((_req, _res, next) => next(new CommandError(ErrorCode.NOT_FOUND, 'No such endpoint.'))));
  // Mail links come from mail clients (no Origin, no session): before the origin check and the JSON parser.
  const mailDeps = { ...deps.mail, limits, networkKey: deps.networkKey, log };
  app.use('/api', mailLinkRoutes(mailDeps));
  app.use('/api', (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !deps.originAllowed(req.headers.origin)) {
      return next(new CommandError(ErrorCode.FORBIDDEN, 'Requests from this origin are not allowed.'));
    }
    next();
  });
  app.use('/api', express.json({ limit: options.maxBodyBytes }));
  app.use('/api', sessionMiddleware(sessions));
  app.use('/api', identityRoutes({ identity, limits, secret: options.secret, sessions, log, challenges: deps.challenges, halls: deps.halls }));
  app.use('/api', staffRoutes({ identity, sessions, log, units: deps.units }));
  app.use('/api', townHallRoutes(deps.townHalls));
  app.use('/api', forumRoutes({ forum: stores.forum }));
  app.use('/api', moderationRoutes(stores.audit));
  // The public record of ended town halls, and the admin settings that shape it.
  app.use('/api', recordRoutes({ records, limits, networkKey: deps.networkKey }));
  // Its recordings: the video, captions and chapters for anyone; raw tracks and unpublishing for admins.
  app.use('/api', recordingRoutes({ ...deps.recordings, townHalls: deps.townHalls, settings: stores.settings, records, limits, networkKey: deps.networkKey, log }));
  app.use(
    '/api',
    settingsRoutes(stores.settings, log, () => {
      records.forget();
      deps.settingsChanged();
    }),
  );
  app.use('/api', namedListRoutes('topics', deps.topics, log, () => records.forget()));
  app.use('/api', namedListRoutes('units', deps.units, log));
  app.use('/api', followUpRoutes(deps.followUps));
  app.use('/api', commitmentRoutes({ commitments: deps.commitments, log, limits, networkKey: deps.networkKey }));
  app.use('/api', mailSettingsRoutes(mailDeps));
  // The archival videos' progress, for admins.
  app.use('/api', archiveRoutes({ library: deps.archives?.library ?? null, composer: deps.archives?.composer ?? null, townHalls: deps.townHalls }));
  // The accountability figures: the versioned public API (docs/public-api.md).
  const accountabilityDeps = { accountability: deps.accountability, limits, networkKey: deps.networkKey, ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) };
  app.use('/api', accountabilityRoutes(accountabilityDeps));
  app.use('/api', (_req, _res, next) => next(new CommandError(ErrorCode.NOT_FOUND, 'No such endpoint.')));
  // The hall's short link (`/h/<code>`), before the client answers every other path.
  app.use(hallLinkRoutes({ townHalls: deps.townHalls, halls: deps.halls, limits, networkKey: deps.networkKey }));
  // The Atom feeds, beside the pages they follow.
  app.use(feedRoutes(accountabilityDeps));
  serveClient(app, options.clientDir);
  app.use(errorHandler(log, isUnavailable));
}

/** The built single-page client, with every non-API path answered by its index.html. */
function serveClient(app: express.Express, clientDir: string): void {
  const index = path.join(clientDir, 'index.html');
  app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
  app.get('/{*path}', (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text').send('The client is not built yet: run `npm run build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
