import { activeAllergyText, allergyLine, inactiveAllergyText, withdrawnAllergiesText } from '../../../electron/shared/allergy-text';
import { datedWhenOld, formatStamp } from '../../../electron/shared/time-text';
import { placeLine } from '../../../electron/shared/census-text';
import { conditionStatusText } from '../../../electron/shared/problem-text';
import { codeStatusText, isolationText, NOT_RECORDED_TEXT } from '../../../electron/shared/bedside-text';
import { flagLabel, observationValueParts, quietFlagLabel, rangeText, testName } from '../../../electron/shared/observation-text';
import { defineCommand, EXIT } from '../command';
import { age, copyLine, day, minute, sexLetter, table, withQueries, QUERY_DETAILS, QUERY_OPTIONS } from './query-common';

export default defineCommand({
  name: 'chart',
  usage: 'lantern chart PATIENT_ID --home DIR [--user ID [--pass-file FILE]] [--policy FILE] [--json]',
  summary: 'Print one patient’s whole chart.',
  details: QUERY_DETAILS,
  positionals: 1,
  required: ['home'],
  options: {
    ...QUERY_OPTIONS,
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    const { value: c, demo, copy } = await withQueries(values, (q) => q.chart({ patientId: positionals[0] as string }), 'chart');
    if (values['json']) {
      io.out(JSON.stringify({ ...c, copy }, null, 2));
      return EXIT.OK;
    }
    const p = c.patient;
    const out = (s = '') => io.out(s);
    const old = copyLine(copy);
    if (old) out(old);
    if (demo) out('DEMO DATA — not a real patient');
    out(`${p.name}   MRN ${p.mrn ?? 'not recorded'}   DOB ${day(p.birthDate)} (${age(p.birthDate, c.asOf)} ${sexLetter(p.sex)})${p.deceased ? `   DECEASED ${day(p.deceasedAt)}` : ''}`);
    out(`Data as of ${formatStamp(c.asOf)} — DOWNTIME COPY, READ ONLY`);
    // Where the patient is in the banner's words ("4 West · Bed 412-A", "No bed recorded (room 12)").
    out(`Location: ${placeLine(p.location)}   Attending: ${c.attending ?? 'not recorded'}`);
    out(`Code status: ${codeStatusText(c.codeStatus)}   Isolation: ${isolationText(c.isolation, '; ')}   Weight: ${c.weight ? datedWhenOld(c.weight, c.weightAt, Date.now()) : NOT_RECORDED_TEXT}   Height: ${c.height ? datedWhenOld(c.height, c.heightAt, Date.now()) : NOT_RECORDED_TEXT}`);
    out(allergyLine(c.allergySummary));
    const section = (title: string, headers: string[], rows: (string | null | undefined)[][]) => {
      out();
      out(`== ${title} (${rows.length})`);
      if (rows.length) for (const line of table(headers, rows)) out(line);
    };
    // The allergy lists are the summary's (decided in core), so the counts are what is listed.
    const allergies = c.allergySummary;
    // Whole lines, not table cells: an allergy is never cut short.
    const list = (title: string, lines: string[]) => {
      out();
      out(`== ${title} (${lines.length})`);
      for (const line of lines) out(`  ${line}`);
    };
    // The flags in force, as core decided them (chart/facts/alerts.ts), as the summary lists them.
    list('Alerts', c.alerts.map((f) => (f.at ? `${f.title} (since ${day(f.at)})` : f.title)));
    list('Allergies', allergies.active.map(activeAllergyText));
    list('Allergies no longer active', allergies.inactive.map(inactiveAllergyText));
    const withdrawn = withdrawnAllergiesText(allergies);
    if (withdrawn) out(`  (${withdrawn})`);
    section('Problems', ['PROBLEM', 'STATUS', 'ONSET'], c.conditions.map((x) => [x.code.display, conditionStatusText(x), day(x.onset)]));
    section('Medications', ['MEDICATION', 'DOSE', 'ROUTE', 'FREQUENCY', 'STATUS', 'PRESCRIBER'], c.medications.map((m) => [m.medication, m.dose, m.route, m.frequency, m.status, m.prescriber]));
    section('Administrations (latest 20)', ['TIME', 'MEDICATION', 'DOSE', 'STATUS', 'REASON', 'BY'], c.administrations.slice(0, 20).map((a) => [minute(a.at), a.medication, a.dose, a.status, a.reason, a.performer]));
    // The same words as the screen and the paper: short name, value and unit as read (blood
    // pressure as systolic/diastolic), "no range given", the flag core decided.
    const obs = (list: typeof c.vitals) =>
      list.slice(0, 30).map((o) => {
        const v = observationValueParts(o);
        return [minute(o.at), testName(o.code).name, v.value, v.unit, rangeText(o), flagLabel(o) ?? quietFlagLabel(o)];
      });
    section('Vital signs (latest 30)', ['TIME', 'VITAL', 'VALUE', 'UNIT', 'RANGE', 'FLAG'], obs(c.vitals));
    section('Labs (latest 30)', ['TIME', 'TEST', 'VALUE', 'UNIT', 'RANGE', 'FLAG'], obs(c.labs));
    section('Orders', ['ORDERED', 'KIND', 'ORDER', 'STATUS', 'PRIORITY'], c.orders.map((o) => [minute(o.authoredOn), o.kind, o.code.display, o.status, o.priority]));
    section('Notes', ['TIME', 'TYPE', 'AUTHOR'], c.notes.map((n) => [minute(n.at), n.type, n.author]));
    // Every flag as sent; IN FORCE says whether core counted it among the alerts above.
    const inForce = new Set(c.alerts.map((f) => f.id));
    section('Flags as sent', ['SINCE', 'FLAG', 'STATUS', 'DETAIL', 'IN FORCE'], c.flags.map((f) => [day(f.at), f.title, f.status, f.detail, inForce.has(f.id) ? 'yes' : 'no']));
    section('Encounters', ['START', 'END', 'CLASS', 'STATUS', 'TYPE'], c.encounters.map((e) => [minute(e.start), minute(e.end), e.class, e.status, e.type]));
    out();
    out(`Resources in this chart: ${Object.entries(c.counts).sort().map(([t, n]) => `${t} ${n}`).join(', ')}`);
    return EXIT.OK;
  },
});
