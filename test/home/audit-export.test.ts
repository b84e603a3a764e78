import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/api/dispatch';
import { createHandlers } from '../../electron/core/api/handlers';
import { chartModel } from '../../electron/core/chart';
import { openAuditDatabase, openAuditLog, type AuditActor } from '../../electron/core/home/audit';
import { LANTERN_AUDIT_KIND_SYSTEM, auditEventId } from '../../electron/core/home/audit-export';
import { openWorkstation } from '../../electron/core/workstation';
import { runCli } from '../support/cli';
import { buildSnapshot, enrollTestHome, makeTestPki, tempDir, writeTinyExport } from '../support/snapshots';

/** An exported AuditEvent as parsed: read field by field below, so any member may be looked into. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AuditEventJson = Record<string, any>;

const NURSE: AuditActor = { id: 'u-1001', name: 'Ana Ruiz', role: 'RN', how: 'roster' };
const STATION = 'Lantern Test Workstation 1';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

/**
 * What a station did, end to end: a snapshot taken and one refused by `lantern ingest`, a
 * patient searched and the chart opened from the search, a tab viewed, the MAR shown, a
 * summary printed; then `lantern audit export` in both formats, read back field by field.
 */
describe('lantern audit export: what was done, field by field', () => {
  let work: string;
  let home: string;
  let fhir: Array<AuditEventJson>;
  let syslog: string[];
  // `lantern ingest` checks expiry against the real clock: the snapshots are made an hour ago.
  const asOf = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
  /** The handlers' clock: a minute ahead of the real one, after the ingests `lantern ingest` records at the real time. */
  const at = new Date(asOf.getTime() + 3_660_000);

  beforeAll(async () => {
    work = tempDir('lantern-audit-export-');
    home = path.join(work, 'home');
    const pki = makeTestPki({ dir: path.join(work, 'pki') });
    const { fhir: fhirDir, protocols } = writeTinyExport(path.join(work, 'export'));
    enrollTestHome(home, pki);
    const good = path.join(work, 's1.lantern');
    await buildSnapshot({ pki, out: good, fhirDir, protocolsDir: protocols, sequence: 1, asOf, now: asOf });
    expect((await runCli(['ingest', good, '--home', home])).code).toBe(0);
    const foreign = path.join(work, 'other-facility.lantern');
    await buildSnapshot({ pki, out: foreign, fhirDir, protocolsDir: protocols, sequence: 2, facility: 'ELSEWHERE', asOf, now: asOf });
    const refused = await runCli(['ingest', foreign, '--home', home]);
    expect(refused.code).not.toBe(0);

    const audit = openAuditLog(home, { clock: () => at, actor: () => NURSE });
    const ws = openWorkstation({
      model: chartModel,
      shell: 'desktop',
      version: 't',
      homeDir: home,
      demo: false,
      clock: () => at,
      audit,
      print: async () => ({ printed: true, savedTo: null, pages: 3 }),
    });
    const api = createHandlers(ws);
    const call = (channel: string, input: unknown) => dispatch(api, channel, input, { checkResponses: true, homeDir: home });
    expect(await call('search', { text: 'Zzyzxowski' })).toMatchObject({ ok: true });
    expect(await call('chart', { patientId: 'p1', foundVia: 'search' })).toMatchObject({ ok: true });
    expect(await call('sectionViewed', { patientId: 'p1', section: 'labs' })).toEqual({ ok: true, value: {} });
    expect(await call('mar', { patientId: 'p1' })).toMatchObject({ ok: true });
    expect(await call('print', { mode: 'dialog', title: 'Summary', what: 'summary', patients: ['p1'] })).toMatchObject({ ok: true });
    // A chart that is not there was not seen: nothing recorded.
    expect(await call('chart', { patientId: 'nobody', foundVia: 'census' })).toMatchObject({ ok: false });
    // The section name is checked like every input.
    expect(await call('sectionViewed', { patientId: 'p1', section: 'Labs<script>' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    ws.home?.close();
    audit.close();

    const ndjson = path.join(work, 'audit.ndjson');
    expect(await runCli(['audit', 'export', '--home', home, '--format', 'fhir', '--out', ndjson])).toMatchObject({ code: 0, out: expect.stringMatching(/^Exported 6 entries \(through entry 6\) to /) });
    fhir = readFileSync(ndjson, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEventJson);
    const log = path.join(work, 'audit.log');
    expect((await runCli(['audit', 'export', '--home', home, '--format', 'syslog', '--out', log])).code).toBe(0);
    syslog = readFileSync(log, 'utf8').trim().split('\n');
  });

  it('holds one entry per thing done, in order, and the second export also holds the first', () => {
    const kinds = (events: Array<AuditEventJson>) => events.map((e) => e['subtype'].at(-1).code);
    expect(kinds(fhir)).toEqual(['snapshot-taken', 'snapshot-refused', 'chart-opened', 'section-viewed', 'section-viewed', 'print']);
    // The syslog export came after the first one, which the log recorded.
    expect(syslog).toHaveLength(7);
    expect(syslog[6]).toMatch(/ lantern - audit-exported \[lantern@32473 seq="7" kind="audit-exported" actor="not signed in" entries="6" format="fhir" from="1" through="6"\] /);
  });

  it('a chart opened via search is a BALP PatientRead: type, subtype, action, patient, agents, time', () => {
    const read = fhir[2]!;
    expect(read).toEqual({
      resourceType: 'AuditEvent',
      id: auditEventId({ station: STATION, seq: 3 }),
      meta: { profile: ['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead'] },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'Restful Operation' },
      subtype: [
        { system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' },
        { system: LANTERN_AUDIT_KIND_SYSTEM, code: 'chart-opened' },
      ],
      action: 'R',
      recorded: at.toISOString(),
      outcome: '0',
      agent: [
        { who: { identifier: { value: 'u-1001' }, display: 'Ana Ruiz' }, role: [{ text: 'RN' }], requestor: true },
        { type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] }, who: { display: STATION }, requestor: false },
        { type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] }, who: { display: STATION }, requestor: false },
      ],
      source: { site: 'seq 3', observer: { display: STATION }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '1', display: 'User Device' }] },
      entity: [
        {
          what: { reference: 'Patient/p1' },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
          detail: [{ type: 'foundVia', valueString: 'search' }],
        },
        {
          what: { reference: 'Patient/p1' },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' },
        },
      ],
    });
  });

  it('a tab viewed and the MAR shown are BALP PatientQuery events with the query the part stands for', () => {
    for (const [event, section, query] of [
      [fhir[3]!, 'labs', 'Observation?category=laboratory&patient=Patient/p1'],
      [fhir[4]!, 'mar', 'MedicationAdministration?patient=Patient/p1'],
    ] as const) {
      expect(event['meta']).toEqual({ profile: ['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientQuery'] });
      expect(event['subtype'][0]).toEqual({ system: 'http://hl7.org/fhir/restful-interaction', code: 'search-type', display: 'search type' });
      expect(event['action']).toBe('E');
      expect(event['entity'][0]['what']).toEqual({ reference: 'Patient/p1' });
      expect(event['entity'][1]['role']).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' });
      expect(Buffer.from(event['entity'][1]['query'], 'base64').toString()).toBe(query);
      expect(event['entity'][1]['detail']).toEqual([{ type: 'section', valueString: section }]);
    }
  });

  it('a print is a DICOM Export naming what, the patient and the pages', () => {
    const print = fhir[5]!;
    expect(print['type']).toEqual({ system: DCM, code: '110106', display: 'Export' });
    expect(print['action']).toBe('R');
    expect(print['outcome']).toBe('0');
    expect(print['entity']).toEqual([
      expect.objectContaining({ what: { reference: 'Patient/p1' }, role: expect.objectContaining({ code: '1' }) }),
      expect.objectContaining({ what: { display: 'printout' }, detail: [{ type: 'what', valueString: 'summary' }, { type: 'pages', valueString: '3' }, { type: 'mode', valueString: 'dialog' }] }),
    ]);
  });

  it('snapshots taken and refused are DICOM Import events, the refusal a failure with its code; nobody was signed in at the command line', () => {
    const [taken, refused] = [fhir[0]!, fhir[1]!];
    expect(taken['type']).toEqual({ system: DCM, code: '110107', display: 'Import' });
    expect(taken['outcome']).toBe('0');
    expect(taken['entity'][0]['detail']).toEqual(expect.arrayContaining([{ type: 'facility', valueString: 'GH' }, { type: 'sequence', valueString: '1' }, { type: 'by', valueString: 'command' }]));
    expect(taken['agent'][0]).toEqual({ who: { display: 'not signed in' }, requestor: true });
    expect(refused['outcome']).toBe('4');
    expect(refused['outcomeDesc']).toBe('WRONG_FACILITY');
  });

  it('syslog lines are RFC 5424 with the entry in structured data and no name in the message', () => {
    const line = syslog[2]!;
    const match = /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*\]) (.*)$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, pri, time, host, app, procid, msgid, sd, msg] = match!;
    expect(Number(pri)).toBe(13 * 8 + 6);
    expect(time).toBe(at.toISOString());
    expect(host).toBe('Lantern-Test-Workstation-1');
    expect([app, procid, msgid]).toEqual(['lantern', '-', 'chart-opened']);
    expect(sd).toBe('[lantern@32473 seq="3" kind="chart-opened" user="u-1001" actor="Ana Ruiz" role="RN" how="roster" foundVia="search" patient="p1"]');
    expect(msg).toBe('Chart opened (found via search).');
    // A refusal is a warning; the print names its patient and pages.
    expect(syslog[1]).toMatch(/^<108>1 /);
    expect(syslog[5]).toContain('pages="3"');
    expect(syslog[5]).toContain('patient="p1"');
    for (const l of syslog) expect(l).not.toMatch(/Zzyzxowski|Anneliese/);
  });

  it('--since keeps only later entries; exporting removed nothing', async () => {
    const out = path.join(work, 'since.ndjson');
    const since = new Date(at.getTime() - 1000).toISOString();
    expect((await runCli(['audit', 'export', '--home', home, '--since', since, '--format', 'fhir', '--out', out])).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(Date.parse(JSON.parse(l).recorded)).toBeGreaterThanOrEqual(Date.parse(since));
    expect(lines.map((l) => JSON.parse(l).subtype.at(-1).code)).toEqual(['chart-opened', 'section-viewed', 'section-viewed', 'print']);
    const db = openAuditDatabase(home);
    expect((db.prepare('SELECT min(seq) AS first FROM audit_entry').get() as { first: number }).first).toBe(1);
    db.close();
    expect(await runCli(['audit', 'export', '--home', home, '--format', 'csv', '--out', out])).toMatchObject({ code: 2, err: expect.stringContaining('--format must be fhir or syslog (got "csv").') });
  });

  it('lantern audit verify says Verified, and after an edit exits 1 naming the entry; export and prune then refuse', async () => {
    expect(await runCli(['audit', 'verify', '--home', home])).toMatchObject({ code: 0, out: expect.stringContaining('Verified.') });
    const db = openAuditDatabase(home);
    const row = db.prepare('SELECT body FROM audit_entry WHERE seq = 3').get() as { body: string };
    db.prepare('UPDATE audit_entry SET body = ? WHERE seq = 3').run(row.body.replace('"p1"', '"p2"'));
    db.close();
    const verify = await runCli(['audit', 'verify', '--home', home]);
    expect(verify.code).toBe(1);
    expect(verify.out).toContain(`NOT VERIFIED: first bad entry 3. Entry 3 (${at.toISOString()}) was changed after it was written`);
    const json = await runCli(['audit', 'verify', '--home', home, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, problem: { seq: 3 } });
    const out = path.join(work, 'tampered.ndjson');
    const exported = await runCli(['audit', 'export', '--home', home, '--format', 'fhir', '--out', out]);
    expect(exported.code).toBe(1);
    expect(exported.err).toMatch(/^lantern audit export: The audit log does not verify \(first bad entry 3: /);
    const policy = path.join(work, 'policy.json');
    writeFileSync(policy, JSON.stringify({ audit: { retentionDays: 1 } }));
    const pruned = await runCli(['audit', 'prune', '--home', home, '--confirmed-through', '5', '--policy', policy]);
    expect(pruned.code).toBe(1);
    expect(pruned.err).toMatch(/^lantern audit prune: The audit log does not verify/);
  });
});

describe('lantern audit prune', () => {
  it('refuses entries younger than the policy retention, takes the confirmed old ones, and verify stays green', async () => {
    const work = tempDir('lantern-audit-prune-');
    const home = path.join(work, 'home');
    enrollTestHome(home, makeTestPki({ dir: path.join(work, 'pki') }));
    const old = new Date(Date.now() - 40 * 86_400_000);
    const log = openAuditLog(home, { clock: () => old });
    for (const patient of ['p1', 'p2', 'p3']) log.record({ kind: 'chart-opened', patient, foundVia: 'census' });
    log.close();
    const out = path.join(work, 'a.ndjson');
    expect((await runCli(['audit', 'export', '--home', home, '--format', 'syslog', '--out', out])).code).toBe(0);
    const policy = path.join(work, 'policy.json');
    writeFileSync(policy, JSON.stringify({ audit: { retentionDays: 60, checkpointMinutes: 5 } }));
    expect(await runCli(['audit', 'prune', '--home', home, '--confirmed-through', '2', '--policy', policy])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^lantern audit prune: Nothing was pruned: entry 1 \(.+\) is younger than the retention of 60 days\.$/),
    });
    writeFileSync(policy, JSON.stringify({ audit: { retentionDays: 30 } }));
    expect(await runCli(['audit', 'prune', '--home', home, '--confirmed-through', 'yesterday', '--policy', policy])).toMatchObject({ code: 2 });
    expect(await runCli(['audit', 'prune', '--home', home, '--confirmed-through', '2', '--policy', policy])).toMatchObject({
      code: 0,
      out: 'Pruned 2 entries (through entry 2); the log still verifies from entry 3.',
    });
    const verify = await runCli(['audit', 'verify', '--home', home, '--json']);
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, first: 3, problem: null });
    // Entry 3 goes too; the export entry (4) was never exported itself, so it stays.
    expect((await runCli(['audit', 'prune', '--home', home, '--confirmed-through', '4', '--policy', policy])).code).toBe(0);
    expect(JSON.parse((await runCli(['audit', 'verify', '--home', home, '--json'])).out)).toMatchObject({ ok: true, first: 4 });
  });
});
