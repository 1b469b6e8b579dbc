// The recordings on the record page, over HTTP: the archival video (with Range, so a player
// seeks), its captions and chapters as WebVTT, and for admins the raw tracks, unpublishing with
// a reason on the audit chain, and publishing again. Anyone reads what is published; an
// unpublished recording is NOT_FOUND to everyone but admins, as an unknown one is.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { CaptionLanguage, UNDETERMINED_LANGUAGE } from '../../shared/captions.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { Settings } from '../../shared/record.js';
import { UnpublishRecording, type PlayableRecording, type RawTrackFile } from '../../shared/recording.js';
import { canManageStaff } from '../../shared/roles.js';
import type { Logger } from '../core/log.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import type { SessionUser } from '../core/types.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { AuditLogStore } from '../moderation/audit.js';
import type { RecordService } from '../record/service.js';
import type { TownHallService } from '../townhall/service.js';
import { tracksFromTimeline } from './layout-plan.js';
import type { Publication, RecordingLibrary, StoredRecording } from './library.js';
import { chaptersFor, TimelineFactsCache, type TimelineFacts } from './timeline-facts.js';
import { captionsVtt, chaptersVtt } from './vtt.js';

/**
 * Reads per network. A player asks for the video in ranges as it plays and seeks, so this is
 * well above the record's own limit; a script pulling the video over and over is not a viewer.
 */
export const RATES = {
  read: { name: 'recording:read', points: 600, seconds: 60 },
  /** Admins unpublish and publish again rarely. */
  publish: { name: 'recording:publish', points: 30, seconds: 60 },
} satisfies Record<string, RateRule>;

export interface RecordingRouteDeps {
  /** Null when this server records nothing: every town hall then has no recordings. */
  library: RecordingLibrary | null;
  townHalls: Pick<TownHallService, 'require'>;
  /** The admins' settings (whether captions are published); the settings store fits this shape. */
  settings: { get(): Promise<Settings> };
  /** The record's answered questions name the chapters. */
  records: Pick<RecordService, 'record'>;
  /** Unpublishing and publishing again are written here, with the admin and the reason. */
  audit: Pick<AuditLogStore, 'append'>;
  limits: RateLimits;
  networkKey(req: Request): string;
  log: Logger;
  now?: () => number;
}

/** A recording a request names, as this reader may see it. */
interface Found {
  facts: TimelineFacts;
  recording: StoredRecording;
  publication: Publication;
}

const isAdmin = (user: SessionUser | null) => user !== null && canManageStaff(user.role);

/** The chapters track's fallback titles, when the record does not show the question. */
const UNTITLED: Record<string, (n: number) => string> = { en: (n) => `Question ${n}`, es: (n) => `Pregunta ${n}` };

export function recordingRoutes(deps: RecordingRouteDeps): Router {
  const { library, log } = deps;
  const now = deps.now ?? Date.now;
  const timelines = library === null ? null : new TimelineFactsCache(library);
  const router = Router();

  const limit = (rule: RateRule) => async (req: Request, _res: Response, next: NextFunction) => {
    const outcome = await deps.limits.consume(rule, deps.networkKey(req));
    if (!outcome.ok) {
      throw new CommandError(ErrorCode.RATE_LIMITED, 'Too many requests for recordings; try again shortly.', { retryAfterMs: outcome.retryAfterMs });
    }
    next();
  };
  const requireAdmin = (res: Response): SessionUser => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!isAdmin(user)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only an admin can do this with a recording.');
    return user;
  };

  /**
   * The recording a request names, if this reader may see it: unknown ids, and unpublished
   * recordings to anyone but admins, are the same NOT_FOUND (an unpublished one is not announced).
   */
  const found = async (req: Request, res: Response): Promise<Found> => {
    const townHallId = idParam(req.params.id, 'recording');
    const recordingId = idParam(req.params.recordingId, 'recording');
    const facts = timelines === null ? null : await timelines.get(townHallId, recordingId);
    if (facts === null) throw new CommandError(ErrorCode.NOT_FOUND, 'No such recording.');
    const publication = await library!.publication(townHallId, recordingId);
    if (!publication.published && !isAdmin(sessionOf(res))) throw new CommandError(ErrorCode.NOT_FOUND, 'No such recording.');
    return { facts, recording: facts.info, publication };
  };

  const playable = async ({ facts, publication }: Pick<Found, 'facts' | 'publication'>, admin: boolean): Promise<PlayableRecording> => {
    const { id, townHallId, startedAt, stoppedAt } = facts.info;
    const [archive, settings] = await Promise.all([library!.archive(townHallId, id), deps.settings.get()]);
    // Why a composition failed is for admins (it names files and FFmpeg's complaint).
    const { status, progress, durationMs } = archive;
    return {
      id,
      townHallId,
      startedAt,
      stoppedAt,
      archive: admin ? archive : { recordingId: id, townHallId, status, progress, durationMs },
      published: publication.published,
      chapters: chaptersFor(facts, archive.durationMs),
      captions: settings.publish.captions ? facts.captions : null,
      unpublishedReason: admin && !publication.published ? (publication.unpublishedReason ?? null) : null,
    };
  };

  router.get('/townhalls/:id/recordings', limit(RATES.read), async (req, res) => {
    const townHallId = idParam(req.params.id, 'town hall');
    await deps.townHalls.require(townHallId);
    const admin = isAdmin(sessionOf(res));
    const ids = timelines === null ? [] : await timelines.ids(townHallId);
    const listed = await Promise.all(
      ids.map(async (recordingId) => {
        const facts = await timelines!.get(townHallId, recordingId);
        return facts === null ? null : playable({ facts, publication: await library!.publication(townHallId, recordingId) }, admin);
      }),
    );
    const all = listed.filter((r): r is PlayableRecording => r !== null).sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    // The public sees what is published and not failed (a failed one has nothing to play).
    res.json({ recordings: admin ? all : all.filter((r) => r.published && r.archive.status !== 'failed') });
  });

  router.get('/townhalls/:id/recordings/:recordingId/video.webm', limit(RATES.read), async (req, res) => {
    const { recording } = await found(req, res);
    const archive = await library!.archive(recording.townHallId, recording.id);
    if (archive.status !== 'ready') throw new CommandError(ErrorCode.NOT_FOUND, 'The video of this recording is not ready.');
    // An unpublished recording must stop playing at once: every range is checked again, never cached.
    res.setHeader('Cache-Control', 'no-store');
    const video = library!.archiveVideo(recording.townHallId, recording.id);
    await sendFile(res, path.dirname(video), path.basename(video), {
      type: 'video/webm',
      ...(req.query.download === '1' ? { attachment: `roundtable-${recording.townHallId}-${recording.id}.webm` } : {}),
    });
  });

  router.get('/townhalls/:id/recordings/:recordingId/captions.vtt', limit(RATES.read), async (req, res) => {
    const { recording, facts } = await found(req, res);
    if (!(await deps.settings.get()).publish.captions) throw new CommandError(ErrorCode.NOT_FOUND, 'Captions are not published.');
    // `lang`: one language's track (`und`: the lines of unknown language); without it, every line.
    let cues = facts.captions;
    let suffix = '';
    if (req.query.lang !== undefined) {
      const lang = CaptionLanguage.safeParse(req.query.lang);
      if (!lang.success) throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'lang must be a language tag such as en, es or und.', { fields: ['lang'] });
      const wanted = lang.data === UNDETERMINED_LANGUAGE ? null : lang.data;
      cues = cues.filter((cue) => cue.lang === wanted);
      suffix = `-${lang.data}`;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (req.query.download === '1') res.attachment(`roundtable-${recording.townHallId}-${recording.id}-captions${suffix}.vtt`);
    res.type('text/vtt; charset=utf-8').send(captionsVtt(cues));
  });

  router.get('/townhalls/:id/recordings/:recordingId/chapters.vtt', limit(RATES.read), async (req, res) => {
    const { recording, facts } = await found(req, res);
    const lang = req.query.lang === 'es' ? 'es' : 'en';
    const archive = await library!.archive(recording.townHallId, recording.id);
    // The record names the questions; a record not published (or not showing questions) leaves numbers.
    const record = await deps.records.record(recording.townHallId).catch(() => null);
    const texts = new Map((record?.questions?.answered ?? []).flatMap((q) => (q.text === null ? [] : [[q.id, q.text] as const])));
    const chapters = chaptersFor(facts, archive.durationMs).map((c, i) => ({ ...c, title: texts.get(c.questionId) ?? UNTITLED[lang]!(i + 1) }));
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/vtt; charset=utf-8').send(chaptersVtt(chapters));
  });

  router.get('/townhalls/:id/recordings/:recordingId/tracks', limit(RATES.read), async (req, res) => {
    requireAdmin(res);
    const { recording } = await found(req, res);
    const timeline = (await library!.timeline(recording.townHallId, recording.id)) ?? [];
    const tracks: RawTrackFile[] = [];
    for (const track of tracksFromTimeline(timeline)) {
      const bytes = await stat(path.join(recording.dir, track.file)).then((s) => s.size, () => null);
      // A track whose file was never written (no keyframe came before it stopped) has nothing to give.
      if (bytes !== null) tracks.push({ file: track.file, kind: track.kind, source: track.source, bytes });
    }
    res.json({ tracks });
  });

  router.get('/townhalls/:id/recordings/:recordingId/tracks/:file', limit(RATES.read), async (req, res) => {
    requireAdmin(res);
    const { recording } = await found(req, res);
    const name = String(req.params.file);
    // Only a file the timeline names, never a path the request makes up.
    const known = tracksFromTimeline((await library!.timeline(recording.townHallId, recording.id)) ?? []).some((t) => t.file === name);
    if (!known || path.basename(name) !== name) throw new CommandError(ErrorCode.NOT_FOUND, 'No such track.');
    res.setHeader('Cache-Control', 'no-store');
    await sendFile(res, recording.dir, name, { attachment: name });
  });

  router.post('/townhalls/:id/recordings/:recordingId/unpublish', limit(RATES.publish), async (req, res) => {
    const admin = requireAdmin(res);
    const { reason } = parseBody(UnpublishRecording, req.body);
    const { recording, facts } = await found(req, res);
    const current = await library!.publication(recording.townHallId, recording.id);
    if (!current.published) throw new CommandError(ErrorCode.CONFLICT, 'This recording is unpublished already.');
    // On the audit chain before it takes effect: an unpublished recording is never unaccounted for.
    await deps.audit.append({
      at: now(),
      actorId: admin.id,
      actorName: admin.displayName,
      action: 'recording-unpublish',
      target: `recording:${recording.id}`,
      reason,
      note: `townhall:${recording.townHallId}`,
    });
    const publication = { published: false, unpublishedReason: reason, changedAt: now() };
    await library!.writePublication(recording.townHallId, recording.id, publication);
    log.info({ admin: admin.id, townHall: recording.townHallId, recording: recording.id }, 'recording unpublished');
    res.json({ recording: await playable({ facts, publication }, true) });
  });

  router.post('/townhalls/:id/recordings/:recordingId/publish', limit(RATES.publish), async (req, res) => {
    const admin = requireAdmin(res);
    const { recording, facts } = await found(req, res);
    const current = await library!.publication(recording.townHallId, recording.id);
    if (current.published) throw new CommandError(ErrorCode.CONFLICT, 'This recording is published already.');
    await deps.audit.append({
      at: now(),
      actorId: admin.id,
      actorName: admin.displayName,
      action: 'recording-publish',
      target: `recording:${recording.id}`,
      reason: null,
      note: `townhall:${recording.townHallId}`,
    });
    const publication = { published: true, changedAt: now() };
    await library!.writePublication(recording.townHallId, recording.id, publication);
    log.info({ admin: admin.id, townHall: recording.townHallId, recording: recording.id }, 'recording published again');
    res.json({ recording: await playable({ facts, publication }, true) });
  });

  return router;
}

/**
 * Express's sendFile (Range, conditional requests, HEAD) as a promise. A file gone meanwhile
 * (deleted by the retention sweep) is NOT_FOUND; a reader that hung up is no error of ours.
 */
function sendFile(res: Response, dir: string, name: string, options: { type?: string; attachment?: string }): Promise<void> {
  if (options.attachment !== undefined) res.attachment(options.attachment);
  if (options.type !== undefined) res.type(options.type);
  return new Promise((resolve, reject) => {
    // From the recording's folder (`root`), so only the file's own name is checked for dots, not
    // wherever the data directory happens to be.
    res.sendFile(name, { root: dir, dotfiles: 'deny', lastModified: true }, (err?: Error & { code?: string; status?: number }) => {
      if (!err) return resolve();
      if (err.code === 'ENOENT' || err.status === 404) {
        if (res.headersSent) return resolve();
        return reject(new CommandError(ErrorCode.NOT_FOUND, 'No such file.'));
      }
      if (err.code === 'ECONNABORTED' || err.code === 'ECANCELED' || res.headersSent) return resolve();
      reject(err);
    });
  });
}
