import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { HomeQueries } from '../../../shared/contract';
import type { SnapshotMeta } from '../../store/content';
import { createSearch } from '../search';
import { createCensus } from './census';
import { createChart } from './chart';
import { createQueryContext } from './context';
import { createMar } from './mar';
import { createProtocols } from './protocols';
import { createRecords } from './records';
import { createSeries } from './series';

/** Every question the screens, the print and the CLI ask of one snapshot's chart database. */
export function createQueries(db: Database, meta: SnapshotMeta): HomeQueries {
  const q = createQueryContext(db, meta);
  return {
    search: createSearch(db, (rowids) => rowids.map(q.patientByRow).filter((p) => p !== undefined).map(q.summary)),
    census: createCensus(q),
    chart: createChart(q),
    mar: createMar(q),
    series: createSeries(q),
    record: createRecords(q),
    ...createProtocols(q),
  };
}
