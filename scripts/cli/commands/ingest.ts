import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { presentError } from '../../../electron/core/home/errors';
import { homePath } from '../../../electron/core/home/layout';
import { assertNoSyncAgent } from '../../../electron/core/home/sync-lock';
import { appendHomeLog, type LogEvent } from '../../../electron/core/home/log';
import { auditOfHomeEvent, tryOpenAuditLog } from '../../../electron/core/home/audit';
import { describeDrop } from '../../../electron/core/snapshot/drop';
import { SnapshotRefusal } from '../../../electron/core/snapshot/refusal';
import { INGEST_STAGES, ingestSnapshot, type IngestResult, type IngestStage } from '../../../electron/core/home/ingest';
import { defineCommand, stringOption } from '../command';
import { mb } from './snapshot-common';
import { chartModel } from '../../../electron/core/chart';

/**
 * Test hooks: LANTERN_TEST_PAUSE_AT=<stage> makes the ingest stop at that stage and wait;
 * LANTERN_TEST_FAIL_AT=<stage>:<CODE> makes it fail there as the system would (ENOSPC,
 * SQLITE_BUSY...), for the failure paths that cannot be provoked on a test machine.
 */
function stageHook(err: (line: string) => void): ((stage: IngestStage) => Promise<void> | void) | undefined {
  const at = process.env['LANTERN_TEST_PAUSE_AT'];
  const [failAt, failCode] = (process.env['LANTERN_TEST_FAIL_AT'] ?? '').split(':');
  const known = (s: string | undefined) => s !== undefined && (INGEST_STAGES as readonly string[]).includes(s);
  if (!known(at) && !(known(failAt) && failCode)) return undefined;
  return (stage) => {
    if (stage === failAt && failCode) throw Object.assign(new Error(`injected failure ${failCode}`), { code: failCode });
    if (stage !== at) return;
    err(`paused at ${stage}`);
    return new Promise<void>(() => {
      setInterval(() => {}, 60_000);
    });
  };
}

/** Each ingest, refusal and failure goes to the home's log (when it is a home). */
async function loggedIngest<T extends IngestResult>(dir: string, file: string, run: () => Promise<T>): Promise<T> {
  const enrolled = existsSync(homePath(dir, 'config'));
  const audit = enrolled ? tryOpenAuditLog(dir) : null;
  const log = (event: LogEvent) => {
    if (!enrolled) return;
    appendHomeLog(dir, event);
    const audited = auditOfHomeEvent(event);
    if (audited) audit?.record(audited);
  };
  const name = path.basename(file);
  try {
    const result = await run();
    const resources = Object.values(result.report.counts).reduce((a, b) => a + b, 0);
    log({ event: 'ingested', file: name, facility: result.manifest.facility.id, sequence: result.manifest.sequence, resources, by: 'command' });
    return result;
  } catch (error) {
    const { code, message } = presentError(error, { surface: 'cli', homeDir: dir, where: 'ingest' });
    log(error instanceof SnapshotRefusal ? { event: 'refused', file: name, code, message } : { event: 'failed', file: name, code, message });
    throw error;
  } finally {
    audit?.close();
  }
}

export default defineCommand({
  name: 'ingest',
  usage: 'lantern ingest FILE --home DIR [--accept-drop] [--json]',
  summary: 'Verify, decrypt and ingest a snapshot into the home, switching over atomically.',
  details: [
    '--accept-drop  take a snapshot that holds far fewer patients than the one in use, or none',
    '               of a resource type it has (otherwise held back: SUSPECT_DROP, exit 28)',
    '--json         one line: facility, sequence, ingest seconds, counts',
    'While a sync agent keeps the home (the desktop app, lantern watch: sync.lock), this exits 1',
    'naming it: hand it the snapshot through its inbox instead.',
  ].join('\n'),
  positionals: 1,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
    'accept-drop': { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const file = path.resolve(positionals[0]!);
    assertNoSyncAgent(dir, 'lantern ingest');
    const started = performance.now();
    const { manifest, report, mappedOn, acceptedDrop } = await loggedIngest(dir, file, () =>
      ingestSnapshot(dir, file, {
        model: chartModel,
        acceptDrop: values['accept-drop'] === true,
        onStage: stageHook(io.err),
        onProgress: (done, total) => io.err(`ingest: ${total ? Math.floor((done / total) * 100) : 100}% (${mb(done)} of ${mb(total)})`),
      }),
    );
    // The ingest itself (verify to switch), without this process's start-up.
    const seconds = (performance.now() - started) / 1000;
    const resources = Object.values(report.counts).reduce((a, b) => a + b, 0);
    if (values['json'] === true) {
      io.out(
        JSON.stringify({
          file: path.basename(file),
          facility: manifest.facility.id,
          sequence: manifest.sequence,
          seconds,
          resources,
          malformed: report.malformed.length,
          unresolved: report.unresolved.length,
          protocols: report.protocols,
          truncated: report.truncated?.values ?? 0,
          mappedOn,
          acceptedDrop,
        }),
      );
      return 0;
    }
    io.out(`Ingested ${path.basename(file)}: facility ${manifest.facility.id}, sequence ${manifest.sequence}, data as of ${manifest.createdAt}.`);
    if (acceptedDrop) io.out(`  Taken on purpose (--accept-drop): ${describeDrop(acceptedDrop)}.`);
    if (manifest.delta) io.out(`  A delta, applied to sequence ${manifest.delta.base.sequence} (the snapshot that was in use).`);
    io.out(`  ${resources} resources stored, ${report.malformed.length} malformed line(s), ${report.unresolved.length} unresolved, ${report.protocols} protocol(s). Now in use.`);
    if (report.truncated) {
      const n = report.truncated.values;
      io.out(`  ${n} value(s) longer than the home's limit (limits.maxFieldBytes) cut, each marked "truncated by Lantern" where it is shown.`);
    }
    return 0;
  },
});
