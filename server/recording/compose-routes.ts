// Admins watch the archival composition: every recording on this node with its archive's
// status and progress, and a failed one can be composed again. Failure reasons are FFmpeg's
// own words without paths, shown to admins only.
import { Router, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { ArchiveInfo, ArchiveOverview } from '../../shared/recording.js';
import { canManageStaff } from '../../shared/roles.js';
import { idParam } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { TownHallService } from '../townhall/service.js';
import { archiveOverview, requeue, type Composer } from './composer.js';
import type { RecordingLibrary } from './library.js';

export interface ArchiveRouteDeps {
  /** The recordings on this node (null when recording is off: the list is empty). */
  library: RecordingLibrary | null;
  /** The composition queue (null when this node does not compose): told when an archive is asked for again. */
  composer: Composer | null;
  townHalls: Pick<TownHallService, 'get'>;
}

export function archiveRoutes(deps: ArchiveRouteDeps): Router {
  const router = Router();
  const requireAdmin = (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!canManageStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only an admin can see the archives.');
  };

  router.get('/admin/archives', async (_req, res) => {
    requireAdmin(res);
    const rows = deps.library === null ? [] : await archiveOverview(deps.library);
    const titles = new Map<string, string | null>();
    for (const townHallId of new Set(rows.map((row) => row.townHallId))) {
      titles.set(townHallId, (await deps.townHalls.get(townHallId).catch(() => null))?.title ?? null);
    }
    const archives: ArchiveOverview[] = rows.map((row) => ({ ...row, title: titles.get(row.townHallId) ?? null }));
    // `composing`: whether this node composes at all (ROUNDTABLE_RECORDING_COMPOSE), so a waiting archive is explained.
    res.json({ archives, composing: deps.composer !== null });
  });

  router.post('/admin/archives/:townHallId/:recordingId/retry', async (req, res) => {
    requireAdmin(res);
    const townHallId = idParam(req.params.townHallId, 'recording');
    const recordingId = idParam(req.params.recordingId, 'recording');
    const archive: ArchiveInfo | null = deps.library === null ? null : await requeue(deps.library, townHallId, recordingId);
    if (archive === null) throw new CommandError(ErrorCode.NOT_FOUND, 'No such recording.');
    deps.composer?.retry(townHallId, recordingId).catch(() => undefined);
    res.json({ archive });
  });

  return router;
}
