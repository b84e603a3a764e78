import { allergySummaryText } from '../../../electron/shared/allergy-text';
import { formatStamp } from '../../../electron/shared/time-text';
import { isolationText } from '../../../electron/shared/bedside-text';
import { defineCommand, EXIT, stringOption } from '../command';
import { age, day, sexLetter, table, withQueries } from './query-common';

export default defineCommand({
  name: 'census',
  usage: 'lantern census --home DIR [--unit ID] [--json]',
  summary: 'A unit’s beds and patients (every unit when --unit is not given).',
  positionals: 0,
  required: ['home'],
  options: {
    home: { type: 'string' },
    unit: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const unit = stringOption(values, 'unit');
    const { value: census, demo } = await withQueries(values, (q) => q.census(unit ? { unit } : {}));
    if (values['json']) {
      io.out(JSON.stringify(census, null, 2));
      return EXIT.OK;
    }
    if (demo) io.out('DEMO DATA — not real patients');
    io.out(`Census: ${census.unit?.name ?? 'all units'} — data as of ${formatStamp(census.asOf)} — DOWNTIME COPY, READ ONLY`);
    io.out(`Units: ${census.units.map((u) => `${u.id} (${u.name})`).join(', ')}`);
    for (const line of table(
      ['BED', 'PATIENT', 'MRN', 'DOB', 'AGE/SEX', 'ALLERGIES', 'CODE STATUS', 'ISOLATION', 'ADMITTED', 'ATTENDING'],
      census.beds.map((b) => {
        const p = b.patient;
        if (!p) return [b.bed, '(empty)'];
        return [
          b.bed,
          p.deceased ? `${p.name} (DECEASED)` : p.name,
          p.mrn,
          day(p.birthDate),
          `${age(p.birthDate, census.asOf)}${sexLetter(p.sex)}`,
          allergySummaryText(p.allergies),
          p.codeStatus ?? 'not recorded',
          isolationText(p.isolation, '; '),
          day(p.admitDate),
          p.attending,
        ];
      }),
    ))
      io.out(line);
    return EXIT.OK;
  },
});
