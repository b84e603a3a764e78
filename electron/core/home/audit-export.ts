import { createHash } from 'node:crypto';
import { LANTERN_PUBLISHER_EKU } from '../snapshot/pki/certs';
import { AuditError, NOT_SIGNED_IN, type AuditEntry, type AuditLog } from './audit';
import { writeFileAtomic } from './layout';

/**
 * The audit log for the hospital's audit repository or SIEM: FHIR R4 AuditEvent resources
 * shaped after the IHE Basic Audit Log Patterns (BALP) as NDJSON, or RFC 5424 syslog lines.
 * A chart opened is BALP's PatientRead (a RESTful read of the Patient); a part of a chart
 * viewed is its PatientQuery (a search of the patient's resources of that kind); sign-in,
 * lock and emergency access are DICOM User Authentication events; a print is a DICOM Export;
 * a snapshot or roster taken or refused a DICOM Import. Every event also carries Lantern's
 * own kind code, so nothing is lost in the mapping.
 */

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const RESTFUL = 'http://hl7.org/fhir/restful-interaction';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
/** Lantern's audit kinds: an OID under Lantern's own GUID-derived arc (docs/PKI.md), ".2" for audit kinds. */
export const LANTERN_AUDIT_KIND_SYSTEM = `urn:oid:${LANTERN_PUBLISHER_EKU}.2`;
const BALP = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.';

type Coding = { system: string; code: string; display?: string };

/** The FHIR resource type a chart part's rows come from, for BALP's query entity. */
const SECTION_QUERY: Record<string, string> = {
  summary: 'Patient/$everything',
  medications: 'MedicationRequest',
  mar: 'MedicationAdministration',
  vitals: 'Observation?category=vital-signs',
  labs: 'Observation?category=laboratory',
  problems: 'Condition',
  notes: 'DocumentReference',
  orders: 'ServiceRequest',
  'care-team': 'CareTeam',
};

function sectionQuery(section: string, patient: string): string {
  const [kind, detail] = section.split(':', 2);
  if (kind === 'trend') return `Observation?patient=Patient/${patient}&code=${encodeURIComponent(detail ?? '')}`;
  if (kind === 'record') return `${detail ?? 'Resource'}?patient=Patient/${patient}`;
  const base = SECTION_QUERY[section] ?? `Resource`;
  if (base.startsWith('Patient/')) return `Patient/${patient}/$everything`;
  return `${base}${base.includes('?') ? '&' : '?'}patient=Patient/${patient}`;
}

/** A FHIR id for an entry: the same entry always gets the same id, two stations never one. */
export const auditEventId = (entry: Pick<AuditEntry, 'station' | 'seq'>) => createHash('sha256').update(`${entry.station}\n${entry.seq}`).digest('hex').slice(0, 40);

const patientEntity = (patient: string, detail?: Array<{ type: string; valueString: string }>) => ({
  what: { reference: `Patient/${patient}` },
  type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
  role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
  ...(detail ? { detail } : {}),
});

/** Who did it: the signed-in person, or for sign-in events the user the event names. */
function userAgent(entry: AuditEntry) {
  const named =
    entry.kind === 'sign-in'
      ? { id: entry.user, name: entry.name, role: entry.role, how: 'roster' as const }
      : entry.kind === 'emergency-access'
        ? { id: null, name: entry.name, role: entry.role, how: 'emergency' as const }
        : entry.kind === 'sign-in-failed' || entry.kind === 'lockout'
          ? { id: entry.user, name: entry.user, role: '', how: 'roster' as const }
          : entry.actor;
  if (!named) return { who: { display: NOT_SIGNED_IN }, requestor: true };
  return {
    who: { ...(named.id ? { identifier: { value: named.id } } : {}), display: named.name },
    ...(named.role ? { role: [{ text: named.role }] } : {}),
    ...(named.how === 'emergency' ? { purposeOfUse: [{ coding: [{ system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' }] }] } : {}),
    requestor: true,
  };
}

interface Shape {
  profile?: string;
  type: Coding;
  subtype?: Coding;
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  outcome: '0' | '4' | '8';
  outcomeDesc?: string;
  entity: unknown[];
  purposeOfEvent?: unknown[];
}

const AUTH: Coding = { system: DCM, code: '110114', display: 'User Authentication' };
const LOGIN: Coding = { system: DCM, code: '110122', display: 'Login' };
const LOGOUT: Coding = { system: DCM, code: '110123', display: 'Logout' };
const IMPORT: Coding = { system: DCM, code: '110107', display: 'Import' };
const EXPORT: Coding = { system: DCM, code: '110106', display: 'Export' };
const ACTIVITY: Coding = { system: DCM, code: '110100', display: 'Application Activity' };
const AUDIT_USED: Coding = { system: DCM, code: '110101', display: 'Audit Log Used' };
const detail = (pairs: Record<string, string | number | null | undefined>) =>
  Object.entries(pairs).flatMap(([type, v]) => (v === null || v === undefined || v === '' ? [] : [{ type, valueString: String(v) }]));
const systemObject = (name: string, pairs: Record<string, string | number | null | undefined>) => ({
  what: { display: name },
  type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
  detail: detail(pairs),
});

function shapeOf(entry: AuditEntry): Shape {
  switch (entry.kind) {
    case 'chart-opened':
      return {
        profile: 'PatientRead',
        type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' },
        subtype: { system: RESTFUL, code: 'read', display: 'read' },
        action: 'R',
        outcome: '0',
        entity: [
          patientEntity(entry.patient, [{ type: 'foundVia', valueString: entry.foundVia }]),
          { what: { reference: `Patient/${entry.patient}` }, type: { system: ENTITY_TYPE, code: '2', display: 'System Object' }, role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' } },
        ],
      };
    case 'section-viewed':
      return {
        profile: 'PatientQuery',
        type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' },
        subtype: { system: RESTFUL, code: 'search-type', display: 'search type' },
        action: 'E',
        outcome: '0',
        entity: [
          patientEntity(entry.patient),
          {
            type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
            role: { system: OBJECT_ROLE, code: '24', display: 'Query' },
            query: Buffer.from(sectionQuery(entry.section, entry.patient)).toString('base64'),
            detail: [{ type: 'section', valueString: entry.section }],
          },
        ],
      };
    case 'print':
      return {
        type: EXPORT,
        action: 'R',
        outcome: entry.printed ? '0' : '4',
        ...(entry.printed ? {} : { outcomeDesc: 'cancelled or not printed' }),
        entity: [...entry.patients.map((p) => patientEntity(p)), systemObject('printout', { what: entry.what, pages: entry.pages, mode: entry.mode })],
      };
    case 'sign-in':
      return { type: AUTH, subtype: LOGIN, action: 'E', outcome: '0', entity: [] };
    case 'sign-in-failed':
      return { type: AUTH, subtype: LOGIN, action: 'E', outcome: '4', outcomeDesc: `failed attempt ${entry.attempt}`, entity: [] };
    case 'lockout':
      return { type: AUTH, subtype: LOGIN, action: 'E', outcome: '8', outcomeDesc: `locked for ${entry.minutes} minutes after failed attempts`, entity: [] };
    case 'emergency-access':
      return {
        type: AUTH,
        subtype: LOGIN,
        action: 'E',
        outcome: '0',
        purposeOfEvent: [{ coding: [{ system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' }], text: entry.reason }],
        entity: [systemObject('emergency session', { minutes: entry.minutes })],
      };
    case 'sign-out':
      return { type: AUTH, subtype: LOGOUT, action: 'E', outcome: '0', entity: [] };
    case 'lock':
      return { type: AUTH, subtype: LOGOUT, action: 'E', outcome: '0', entity: [systemObject('screen lock', { cause: entry.cause })] };
    case 'unlock':
      return { type: AUTH, subtype: LOGIN, action: 'E', outcome: '0', entity: [systemObject('screen lock', { user: entry.user })] };
    case 'expired-acknowledged':
      return { type: ACTIVITY, action: 'E', outcome: '0', entity: [systemObject('snapshot', { facility: entry.facility, sequence: entry.sequence, asOf: entry.asOf, ageDays: entry.ageDays })] };
    case 'snapshot-taken':
      return { type: IMPORT, action: 'C', outcome: '0', entity: [systemObject('snapshot', { file: entry.file, facility: entry.facility, sequence: entry.sequence, by: entry.by })] };
    case 'snapshot-refused':
      return { type: IMPORT, action: 'C', outcome: '4', outcomeDesc: entry.code, entity: [systemObject('snapshot', { file: entry.file, code: entry.code })] };
    case 'roster-taken':
      return { type: IMPORT, action: 'C', outcome: '0', entity: [systemObject('roster', { file: entry.file, sequence: entry.sequence })] };
    case 'roster-refused':
      return { type: IMPORT, action: 'C', outcome: '4', outcomeDesc: entry.code, entity: [systemObject('roster', { file: entry.file, code: entry.code })] };
    case 'audit-exported':
      return { type: AUDIT_USED, action: 'R', outcome: '0', entity: [systemObject('audit log', { format: entry.format, since: entry.since, from: entry.from, through: entry.through, entries: entry.entries })] };
    case 'audit-pruned':
      return { type: AUDIT_USED, action: 'D', outcome: '0', entity: [systemObject('audit log', { through: entry.through, entries: entry.entries })] };
  }
}

/** One entry as a FHIR R4 AuditEvent. */
export function toAuditEvent(entry: AuditEntry): Record<string, unknown> {
  const shape = shapeOf(entry);
  const device = { display: entry.station };
  return {
    resourceType: 'AuditEvent',
    id: auditEventId(entry),
    ...(shape.profile ? { meta: { profile: [`${BALP}${shape.profile}`] } } : {}),
    type: shape.type,
    subtype: [...(shape.subtype ? [shape.subtype] : []), { system: LANTERN_AUDIT_KIND_SYSTEM, code: entry.kind }],
    action: shape.action,
    recorded: entry.at,
    outcome: shape.outcome,
    ...(shape.outcomeDesc ? { outcomeDesc: shape.outcomeDesc } : {}),
    ...(shape.purposeOfEvent ? { purposeOfEvent: shape.purposeOfEvent } : {}),
    agent: [
      userAgent(entry),
      { type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] }, who: device, requestor: false },
      { type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] }, who: device, requestor: false },
    ],
    source: { site: `seq ${entry.seq}`, observer: device, type: [{ system: SOURCE_TYPE, code: '1', display: 'User Device' }] },
    entity: shape.entity,
  };
}

// ——— RFC 5424 ———

/** Facility 13 (log audit); severity 6 informational, 5 notice (emergency access), 4 warning (a failure). */
function priority(entry: AuditEntry): number {
  const severity =
    entry.kind === 'sign-in-failed' || entry.kind === 'lockout' || entry.kind === 'snapshot-refused' || entry.kind === 'roster-refused'
      ? 4
      : entry.kind === 'emergency-access'
        ? 5
        : 6;
  return 13 * 8 + severity;
}

/** Printable US-ASCII without spaces, as RFC 5424 wants a HOSTNAME. */
const hostName = (station: string) => station.replace(/[^\x21-\x7e]/g, '-').slice(0, 255) || '-';
/** A PARAM-VALUE: UTF-8, with `"`, `\` and `]` escaped; control characters dropped. */
// eslint-disable-next-line no-control-regex
const paramValue = (v: string) => v.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/["\\\]]/g, (c) => `\\${c}`);

/** The SD-ID: a private structured-data element (32473 is the enterprise number RFC 5612 sets aside for examples; see docs/AUDIT.md). */
export const SYSLOG_SD_ID = 'lantern@32473';

/** The structured data of an entry: its number, kind, actor and every field the event carries, in a fixed order. */
function params(entry: AuditEntry): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['seq', String(entry.seq)],
    ['kind', entry.kind],
  ];
  if (entry.actor) {
    if (entry.actor.id) out.push(['user', entry.actor.id]);
    out.push(['actor', entry.actor.name], ['role', entry.actor.role], ['how', entry.actor.how]);
  } else out.push(['actor', NOT_SIGNED_IN]);
  const skip = new Set(['seq', 'kind', 'actor', 'at', 'station']);
  for (const [key, value] of Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (skip.has(key) || value === null || value === undefined) continue;
    const name = key === 'patients' ? 'patient' : key;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, String(v)]);
  }
  return out;
}

/** One entry as an RFC 5424 line: `<PRI>1 TIME HOST lantern - KIND [lantern@32473 ...] sentence`. */
export function toSyslogLine(entry: AuditEntry): string {
  const sd = `[${SYSLOG_SD_ID} ${params(entry).map(([k, v]) => `${k}="${paramValue(v)}"`).join(' ')}]`;
  return `<${priority(entry)}>1 ${entry.at} ${hostName(entry.station)} lantern - ${entry.kind} ${sd} ${sentence(entry)}`;
}

/** A short sentence with no name, MRN or content: the structured data says who and which patient. */
function sentence(entry: AuditEntry): string {
  switch (entry.kind) {
    case 'chart-opened':
      return `Chart opened (found via ${entry.foundVia}).`;
    case 'section-viewed':
      return `Chart section viewed: ${entry.section}.`;
    case 'print':
      return `${entry.printed ? 'Printed' : 'Print not completed'}: ${entry.what}, ${entry.patients.length} patient(s), ${entry.pages ?? 'unknown'} page(s).`;
    case 'sign-in':
      return 'Signed in.';
    case 'sign-in-failed':
      return `Sign-in failed (attempt ${entry.attempt}).`;
    case 'lockout':
      return `User locked out for ${entry.minutes} minutes.`;
    case 'emergency-access':
      return `Emergency access for ${entry.minutes} minutes.`;
    case 'sign-out':
      return 'Signed out.';
    case 'lock':
      return `Screen locked (${entry.cause}).`;
    case 'unlock':
      return 'Screen unlocked.';
    case 'expired-acknowledged':
      return `Expired copy acknowledged (${entry.ageDays} days old).`;
    case 'snapshot-taken':
      return `Snapshot ${entry.sequence} taken.`;
    case 'snapshot-refused':
      return `Snapshot refused (${entry.code}).`;
    case 'roster-taken':
      return `Roster ${entry.sequence} taken.`;
    case 'roster-refused':
      return `Roster refused (${entry.code}).`;
    case 'audit-exported':
      return `Audit log exported (${entry.entries} entries, ${entry.format}).`;
    case 'audit-pruned':
      return `Audit log pruned through entry ${entry.through}.`;
  }
}

export type ExportFormat = 'fhir' | 'syslog';

/**
 * Write the entries from `since` on to `out` (NDJSON AuditEvents or syslog lines), whole or
 * not at all, then record the export in the log itself. Exporting never removes an entry.
 */
export function exportAuditLog(log: AuditLog, options: { format: ExportFormat; since?: string; out: string }): { entries: number; through: number } {
  if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) throw new AuditError(`--since ${options.since} is not a time (use ISO 8601, e.g. 2026-01-31T00:00:00Z).`);
  const entries = log.entries(options.since);
  const lines = entries.map((e) => (options.format === 'fhir' ? JSON.stringify(toAuditEvent(e)) : toSyslogLine(e)));
  writeFileAtomic(options.out, lines.length ? `${lines.join('\n')}\n` : '');
  const through = entries.at(-1)?.seq ?? 0;
  log.record({ kind: 'audit-exported', format: options.format, since: options.since ?? null, from: entries[0]?.seq ?? 0, through, entries: entries.length });
  log.checkpoint('interval');
  return { entries: entries.length, through };
}
