import { NO_BED_RECORDED } from '../../../electron/shared/census-text';
import { SEARCH_LIMIT, SEARCH_LIMIT_MAX } from '../../../electron/shared/defaults';
import { defineCommand, EXIT } from '../command';
import { copyLine, day, table, withQueries, QUERY_DETAILS, QUERY_OPTIONS } from './query-common';

export default defineCommand({
  name: 'search',
  usage: 'lantern search TEXT --home DIR [--limit N] [--user ID [--pass-file FILE]] [--policy FILE] [--json]',
  summary: 'Find patients by name, MRN, birth date or room/bed.',
  details: 'TEXT: any order of name parts (prefixes and small typos are fine), an MRN, a birth date (1957-03-04 or 03/04/1957) or a room or bed.\n' + QUERY_DETAILS,
  positionals: 1,
  required: ['home'],
  options: {
    ...QUERY_OPTIONS,
    home: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    const limit = Math.max(1, Math.min(SEARCH_LIMIT_MAX, Number(values['limit'] ?? SEARCH_LIMIT) || SEARCH_LIMIT));
    const { value: found, demo, copy } = await withQueries(values, (q) => q.search({ text: positionals[0] as string, limit }), 'search');
    if (values['json']) {
      io.out(JSON.stringify({ copy, patients: found }, null, 2));
      return EXIT.OK;
    }
    const old = copyLine(copy);
    if (old) io.out(old);
    if (demo) io.out('DEMO DATA — not real patients');
    if (!found.length) {
      io.out('No patient matches.');
      return EXIT.OK;
    }
    for (const line of table(
      ['NAME', 'MRN', 'BIRTH DATE', 'SEX', 'UNIT', 'BED', 'ID'],
      found.map((p) => [p.deceased ? `${p.name} (DECEASED)` : p.name, p.mrn, day(p.birthDate), p.sex, p.location?.unit?.name, p.location?.bed ?? NO_BED_RECORDED, p.id]),
    ))
      io.out(line);
    return EXIT.OK;
  },
});
