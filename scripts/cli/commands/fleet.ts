import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FLEET_EXIT, fleetExitCode, formatDuration, readFleet, STATION_STATES } from '../../../electron/core/home/fleet';
import { fleetHtml } from '../../../electron/core/home/fleet-html';
import { fleetMetrics } from '../../../electron/core/home/fleet-metrics';
import { writeFileAtomic } from '../../../electron/core/home/layout';
import { certificatesFromPem } from '../../../electron/core/snapshot/pki/certs';
import { formatStampWithZone } from '../../../electron/shared/time-text';
import { CliError, EXIT, defineCommand, stringOption } from '../command';

export default defineCommand({
  name: 'fleet report',
  usage: 'lantern fleet report --dir DIR --trust FILE [--json] [--html FILE] [--prometheus FILE] [--at TIME] [--time-zone ZONE]',
  summary: "Every station's freshness from its heartbeat: fresh, rejecting, stale, expired, silent or untrusted, worst first.",
  details: [
    '--dir DIR          the folder the stations write their heartbeats to (STATION.heartbeat.json)',
    "--trust FILE       the hospital CA certificate(s), PEM: a heartbeat must be signed by a station",
    '                   certificate issued under it, else it is UNTRUSTED and nothing in it is used',
    '--json             the report as JSON',
    '--html FILE        also write the report as one self-contained HTML page (no script, no network)',
    '--prometheus FILE  also write the Prometheus textfile (lantern_snapshot_age_seconds ...)',
    '--at TIME          judge as of this ISO time instead of now (to reproduce a report)',
    '--time-zone ZONE   show times in this IANA zone (default: this computer\'s)',
    `Exit codes: ${FLEET_EXIT.FRESH} every station fresh; ${FLEET_EXIT.REJECTING} the worst is a station that refused its last`,
    `snapshot (its copy still fresh); ${FLEET_EXIT.ATTENTION} a station is stale, expired, silent or untrusted; 1 the`,
    'folder or the trust file cannot be read, or no heartbeat is there; 2 usage.',
  ].join('\n'),
  positionals: 0,
  required: ['dir', 'trust'],
  options: {
    dir: { type: 'string' },
    trust: { type: 'string' },
    json: { type: 'boolean' },
    html: { type: 'string' },
    prometheus: { type: 'string' },
    at: { type: 'string' },
    'time-zone': { type: 'string' },
  },
  run: async ({ values }, io) => {
    const dir = path.resolve(stringOption(values, 'dir')!);
    const trustFile = stringOption(values, 'trust')!;
    let trustText: string;
    try {
      trustText = readFileSync(trustFile, 'utf8');
    } catch {
      throw new CliError(`The trust file ${trustFile} cannot be read.`);
    }
    const anchors = certificatesFromPem(trustText).filter((c) => c.ca);
    if (anchors.length === 0) throw new CliError(`The trust file ${trustFile} holds no CA certificate (PEM).`);
    const atText = stringOption(values, 'at');
    const now = atText === undefined ? new Date() : new Date(atText);
    if (Number.isNaN(now.getTime())) throw new CliError(`--at must be an ISO time such as 2026-12-02T06:00:00Z (got "${atText}").`, EXIT.USAGE);
    const timeZone = stringOption(values, 'time-zone');
    if (timeZone !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone });
      } catch {
        throw new CliError(`--time-zone must be an IANA time zone such as Europe/Paris (got "${timeZone}").`, EXIT.USAGE);
      }
    }
    const report = readFleet(dir, anchors, now);
    if (report.stations.length === 0) throw new CliError(`No heartbeat file (STATION.heartbeat.json) is in ${dir}.`);
    const html = stringOption(values, 'html');
    if (html) writeFileAtomic(path.resolve(html), fleetHtml(report, { timeZone }), 0o644);
    const prometheus = stringOption(values, 'prometheus');
    if (prometheus) writeFileAtomic(path.resolve(prometheus), fleetMetrics(report), 0o644);
    if (values['json'] === true) {
      io.out(JSON.stringify({ ...report, exitCode: fleetExitCode(report) }, null, 2));
      return fleetExitCode(report);
    }
    const when = (v: string) => formatStampWithZone(v, { timeZone });
    const counts = STATION_STATES.filter((s) => report.counts[s] > 0).map((s) => `${report.counts[s]} ${s}`);
    io.out(`Fleet report ${when(report.at)}: ${report.stations.length} station(s), ${counts.join(', ')}`);
    const width = Math.max(...report.stations.map((s) => s.station.length));
    for (const s of report.stations) {
      const snap = s.heartbeat?.snapshot;
      const units = s.heartbeat ? s.heartbeat.units.map((u) => u.id).join(',') || 'whole facility' : '?';
      const copy = snap ? `sequence ${snap.sequence}, data as of ${when(snap.asOf)}` : 'no copy';
      const beat = s.heartbeatAgeSeconds !== null ? `, heartbeat ${formatDuration(s.heartbeatAgeSeconds)} ago` : '';
      io.out(`  ${s.state.toUpperCase().padEnd(9)}  ${s.station.padEnd(width)}  ${s.heartbeat ? `${units}: ${copy}${beat}. ` : ''}${s.why}`);
    }
    return fleetExitCode(report);
  },
});
