import type { ContentModel } from '../store/content';

/**
 * The chart model: FHIR R4 resources mapped into chart tables, and the read-only queries
 * over them. (Placeholder until the mapping lands: stores nothing, answers nothing.)
 */
export const chartModel: ContentModel = {
  schemaVersion: 0,
  createSchema: () => {},
  writer: () => ({
    resource: () => {},
    protocol: () => {},
    finish: () => ({ counts: {}, malformed: [], unresolved: [], protocols: 0 }),
  }),
  queries: () => {
    throw new Error('chart queries are not built yet');
  },
};
