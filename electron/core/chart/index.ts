import type { ContentModel } from '../store/content';
import { createQueries } from './queries';
import { chartMapper } from './mapper';
import { SCHEMA_VERSION, createSchema, createWriter } from './store';

/**
 * The chart model: FHIR R4 resources mapped into chart tables (store.ts, map.ts), and the
 * read-only queries over them (queries/, one file per question).
 */
export const chartModel: ContentModel = {
  schemaVersion: SCHEMA_VERSION,
  createSchema,
  mapper: chartMapper,
  writer: createWriter,
  queries: createQueries,
};

export { createQueries } from './queries';
export { createSchema, createWriter, nameTokens, SCHEMA_VERSION } from './store';
export { dueTimes, doseInterval, describeTiming, type DoseTiming } from './schedule';
