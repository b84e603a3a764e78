import { allergySummaryText } from '../../../electron/shared/allergy-text';
import { formatStamp } from '../../../electron/shared/time-text';
import { isolationText } from '../../../electron/shared/bedside-text';
import { censusGroupCut, censusGroupNote, censusGroupTitle, noBedText } from '../../../electron/shared/census-text';
import type { CensusPatient } from '../../../electron/shared/contract';
import { defineCommand, EXIT, stringOption } from '../command';
import { age, copyLine, day, sexLetter, table, withQueries, QUERY_DETAILS, QUERY_OPTIONS } from './query-common';

export default defineCommand({
  name: 'census',
  usage: 'lantern census --home DIR [--unit ID] [--user ID [--pass-file FILE]] [--policy FILE] [--json]',
  summary: 'A unit’s beds and patients, then its patients without a bed (every unit and every patient when --unit is not given).',
  details: QUERY_DETAILS,
  positionals: 0,
  required: ['home'],
  options: {
    ...QUERY_OPTIONS,
    home: { type: 'string' },
    unit: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const unit = stringOption(values, 'unit');
    const { value: census, demo, copy } = await withQueries(values, (q) => q.census(unit ? { unit } : {}), 'census');
    if (values['json']) {
      io.out(JSON.stringify({ ...census, copy }, null, 2));
      return EXIT.OK;
    }
    const old = copyLine(copy);
    if (old) io.out(old);
    if (demo) io.out('DEMO DATA — not real patients');
    io.out(`Census: ${census.unit?.name ?? 'all units'} — data as of ${formatStamp(census.asOf)} — DOWNTIME COPY, READ ONLY`);
    io.out(`Units: ${census.units.map((u) => `${u.id} (${u.name})`).join(', ')}`);
    const columns = ['PATIENT', 'MRN', 'DOB', 'AGE/SEX', 'ALLERGIES', 'CODE STATUS', 'ISOLATION', 'ADMITTED', 'ATTENDING'];
    const cells = (p: CensusPatient) => [
      p.deceased ? `${p.name} (DECEASED)` : p.name,
      p.mrn,
      day(p.birthDate),
      `${age(p.birthDate, census.asOf)} ${sexLetter(p.sex)}`,
      allergySummaryText(p.allergies),
      p.codeStatus ?? 'not recorded',
      isolationText(p.isolation, '; '),
      day(p.admitDate),
      p.attending,
    ];
    if (census.beds.length > 0) {
      for (const line of table(['BED', ...columns], census.beds.map((b) => (b.patient ? [b.bed, ...cells(b.patient)] : [b.bed, '(empty)'])))) io.out(line);
    }
    for (const g of census.groups) {
      io.out('');
      io.out(`${censusGroupTitle(g)} — ${g.total} patient${g.total === 1 ? '' : 's'} without a bed. ${censusGroupNote(g)}`);
      for (const line of table(['PLACE', ...columns], g.patients.map((p) => [noBedText(p), ...cells(p)]))) io.out(line);
      const cut = censusGroupCut(g);
      if (cut) io.out(cut.replace('with Search', 'with lantern search'));
    }
    if (census.beds.length === 0 && census.groups.length === 0) io.out('No patient in this snapshot.');
    if (census.unit && census.withoutUnit > 0) io.out(`${census.withoutUnit} patient(s) with neither a bed nor a unit: lantern census without --unit lists them.`);
    return EXIT.OK;
  },
});
