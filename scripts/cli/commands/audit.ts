import path from 'node:path';
import { openAuditLog, pruneAuditLog, verifyAuditLog } from '../../../electron/core/home/audit';
import { AUDIT_DEFAULTS } from '../../../electron/core/home/policy-defaults';
import { exportAuditLog, type ExportFormat } from '../../../electron/core/home/audit-export';
import { readConfig } from '../../../electron/core/home/layout';
import { policyPath, readPolicy } from '../../../electron/core/home/policy';
import { CliError, EXIT, defineCommand, stringOption, type Values } from '../command';

/** The home, checked to be an enrolled one (its own sentence when not). */
function homeOf(values: Values): string {
  const dir = path.resolve(stringOption(values, 'home')!);
  readConfig(dir);
  return dir;
}

export const auditVerify = defineCommand({
  name: 'audit verify',
  usage: 'lantern audit verify --home DIR [--json]',
  summary: "Check the home's audit log: every entry's hash chain from the first, every signed checkpoint; names the first bad entry.",
  details: [
    'Finds an edited, deleted, reordered or truncated entry, a forged checkpoint and a replaced log.',
    'Exits 1 when the log does not verify. Entries after the newest checkpoint are chained but not',
    'signed yet (the app signs every few minutes, at each print and emergency access, and on closing).',
    '--json  the verdict as one JSON object',
  ].join('\n'),
  positionals: 0,
  required: ['home'],
  options: { home: { type: 'string' }, json: { type: 'boolean' } },
  run: async ({ values }, io) => {
    const dir = homeOf(values);
    const verdict = verifyAuditLog(dir);
    if (values['json'] === true) {
      io.out(JSON.stringify({ home: dir, ...verdict }));
      return verdict.ok ? EXIT.OK : EXIT.FAILED;
    }
    const range = verdict.first === null ? 'no entries' : `${verdict.entries} entries (${verdict.first}-${verdict.last})`;
    io.out(`Audit log of ${verdict.station ?? dir}: ${range}, ${verdict.checkpoints} checkpoint(s), last signed ${verdict.lastSignedAt ?? 'never'}.`);
    if (!verdict.ok) {
      io.out(`NOT VERIFIED: first bad entry ${verdict.problem!.seq}. ${verdict.problem!.message}`);
      return EXIT.FAILED;
    }
    io.out(verdict.unsigned ? `Verified. The last ${verdict.unsigned} entries are chained but not signed yet.` : 'Verified.');
    return EXIT.OK;
  },
});

export const auditExport = defineCommand({
  name: 'audit export',
  usage: 'lantern audit export --home DIR [--since T] --format fhir|syslog --out FILE',
  summary: 'Write the audit log as FHIR R4 AuditEvent NDJSON (IHE BALP) or RFC 5424 syslog lines; never deletes.',
  details: [
    '--since T        only entries at or after T (ISO 8601)',
    '--format fhir    one AuditEvent per line (NDJSON); syslog: one RFC 5424 line per entry',
    '--out FILE       written whole or not at all; the export is itself recorded in the log',
    'The log is verified first: a log that does not verify is not exported (lantern audit verify says why).',
  ].join('\n'),
  positionals: 0,
  required: ['home', 'format', 'out'],
  options: { home: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  run: async ({ values }, io) => {
    const dir = homeOf(values);
    const format = stringOption(values, 'format');
    if (format !== 'fhir' && format !== 'syslog') throw new CliError(`--format must be fhir or syslog (got "${format}").`, EXIT.USAGE);
    const verdict = verifyAuditLog(dir);
    if (!verdict.ok) throw new CliError(`The audit log does not verify (first bad entry ${verdict.problem!.seq}: ${verdict.problem!.message}), so it was not exported.`);
    const log = openAuditLog(dir);
    try {
      const out = path.resolve(stringOption(values, 'out')!);
      const { entries, through } = exportAuditLog(log, { format: format as ExportFormat, since: stringOption(values, 'since'), out });
      io.out(`Exported ${entries} entries${entries ? ` (through entry ${through})` : ''} to ${out}.`);
    } finally {
      log.close();
    }
    return EXIT.OK;
  },
});

/** `--confirmed-through`: an entry number, or a time (ISO 8601). */
function confirmedThrough(raw: string): { seq: number } | { time: string } {
  if (/^\d+$/.test(raw)) return { seq: Number(raw) };
  if (/^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(Date.parse(raw))) return { time: new Date(raw).toISOString() };
  throw new CliError(`--confirmed-through must be an entry number or an ISO 8601 time (got "${raw}").`, EXIT.USAGE);
}

export const auditPrune = defineCommand({
  name: 'audit prune',
  usage: 'lantern audit prune --home DIR --confirmed-through SEQ|TIME [--policy FILE]',
  summary: "Remove the oldest audit entries IT's repository confirmed it received, once older than the policy's retention.",
  details: [
    '--confirmed-through SEQ|TIME  the last entry (number, or time) the audit repository confirmed',
    '--policy FILE                 the managed policy (default: the machine-wide one) for audit.retentionDays',
    'Only entries that were exported, are confirmed and are older than the retention go; a signed prune',
    'checkpoint keeps the rest verifiable. Exits 1, removing nothing, when no entry qualifies.',
  ].join('\n'),
  positionals: 0,
  required: ['home', 'confirmed-through'],
  options: { home: { type: 'string' }, 'confirmed-through': { type: 'string' }, policy: { type: 'string' } },
  run: async ({ values }, io) => {
    const dir = homeOf(values);
    const confirmed = confirmedThrough(stringOption(values, 'confirmed-through')!);
    const policy = readPolicy(stringOption(values, 'policy') ?? policyPath(process.platform, process.env));
    const retentionDays = policy.audit?.retentionDays ?? AUDIT_DEFAULTS.retentionDays;
    const log = openAuditLog(dir);
    try {
      const { through, entries } = pruneAuditLog(log, { confirmed, retentionDays, now: new Date() });
      io.out(`Pruned ${entries} entries (through entry ${through}); the log still verifies from entry ${through + 1}.`);
    } finally {
      log.close();
    }
    return EXIT.OK;
  },
});
