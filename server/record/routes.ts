import { Router, type Request } from 'express';
import { idParam } from '../http/errors.js';
import { recordToCsv, recordToJson } from './export.js';
import type { RecordService } from './service.js';

/** The public record of an ended town hall: read by anyone, no session needed. */
export function recordRoutes(records: RecordService): Router {
  const router = Router();
  const townHallId = (req: Request): string => idParam(req.params.id, 'town hall');
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
