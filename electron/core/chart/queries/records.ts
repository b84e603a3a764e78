import type { HomeQueries } from '../../../shared/contract';
import { LanternError } from '../../../shared/errors';
import { itemDataJson } from '../compact';
import { S } from '../codes';
import { patientTable } from '../tables';
import type { ItemRow, QueryContext } from './context';

/** One resource of a patient's chart as JSON: the export's line where kept, else what was stored. */
export function createRecords(q: QueryContext): HomeQueries['record'] {
  const recordItem = q.db.prepare(`SELECT ${q.itemCols(['section', 'id', 'at', 'order_id', 'data', 'raw'])} FROM item WHERE pkey = ? AND type = ? AND id = ? LIMIT 1`);
  const patientRaw = q.db.prepare(`SELECT ${patientTable.select(['raw'])} FROM patient WHERE id = ? ORDER BY rowid DESC LIMIT 1`).pluck();
  return ({ patientId, type, id }) => {
    const p = q.requirePatient(patientId);
    if (type === 'Patient' && id === p.id) return { type, id, json: patientRaw.get(p.id) as string };
    const r = recordItem.get(p.pkey, type, id) as ItemRow<'section' | 'id' | 'at' | 'order_id' | 'data' | 'raw'> | undefined;
    if (!r) throw new LanternError('NOT_FOUND', 'That record is not in this patient’s chart in this snapshot.');
    return { type, id, json: r.section === S.RAW ? r.data : r.raw ?? itemDataJson(r.section, r) };
  };
}
