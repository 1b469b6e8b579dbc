import { Router, type Request } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { Id } from '../../shared/ids.js';
import { recordToCsv, recordToJson } from './export.js';
import type { RecordService } from './service.js';

/** The public record of an ended town hall: read by anyone, no session needed. */
export function recordRoutes(records: RecordService): Router {
  const router = Router();
  const townHallId = (req: Request): string => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
    return id.data;
  };
  router.get('/townhalls/:id/record', async (req, res) => {
    res.json({ record: await records.record(townHallId(req)) });
  });
  router.get('/townhalls/:id/record.csv', async (req, res) => {
    const id = townHallId(req);
    res.type('text/csv').attachment(`roundtable-record-${id}.csv`).send(recordToCsv(await records.record(id)));
  });
  router.get('/townhalls/:id/record.json', async (req, res) => {
    const id = townHallId(req);
    res.type('application/json').attachment(`roundtable-record-${id}.json`).send(recordToJson(await records.record(id)));
  });
  return router;
}
