import { formatStampWithZone, type ZoneOption } from '../../shared/time-text';
import { STATE_MEANINGS, STATION_STATES, formatDuration, stationUnits, type FleetReport, type StationRow, type StationState } from './fleet';

/**
 * The fleet report as one self-contained HTML page: inline CSS, no script, no image, no
 * request of any kind (its CSP says so), so it opens from a share in any browser. A grid of
 * units by stations coloured by freshness, each cell also saying its state in words; then
 * every station with its sequence, data-as-of and heartbeat times (with year and zone).
 */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Background and text colour of each state (text on it meets WCAG AA contrast). */
const COLOURS: Record<StationState, [string, string]> = {
  untrusted: ['#1f1f1f', '#ffffff'],
  silent: ['#5b4a8b', '#ffffff'],
  expired: ['#b00020', '#ffffff'],
  stale: ['#f0a020', '#1f1f1f'],
  rejecting: ['#f6dd6b', '#1f1f1f'],
  fresh: ['#2e7d32', '#ffffff'],
};

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:24px;color:#1f1f1f;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
p.meta{margin:0 0 12px;color:#444}
table{border-collapse:collapse;margin:0 0 8px}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eee}
td.cell{font-weight:600;white-space:nowrap}
td.none{color:#888;text-align:center}
.summary span{display:inline-block;margin:0 8px 4px 0;padding:2px 8px;border-radius:3px;font-weight:600}
${STATION_STATES.map((s) => `.s-${s}{background:${COLOURS[s][0]};color:${COLOURS[s][1]}}`).join('\n')}
@media print{body{margin:8mm}.s-untrusted,.s-silent,.s-expired,.s-stale,.s-rejecting,.s-fresh{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
`;

const stateWord = (s: StationState) => s.toUpperCase();

function cellText(row: StationRow): string {
  if (row.state === 'untrusted') return 'UNTRUSTED';
  if (row.state === 'silent') return `SILENT ${formatDuration(row.heartbeatAgeSeconds ?? 0)}`;
  if (row.dataAgeSeconds === null) return `${stateWord(row.state)} no copy`;
  return `${stateWord(row.state)} ${formatDuration(row.dataAgeSeconds)}`;
}

/** Rows of the grid: each unit a station holds (by id, named where a snapshot named it), then the whole-facility and unknown rows. */
function gridRows(report: FleetReport): Array<{ key: string; label: string; holds: (row: StationRow) => boolean }> {
  const names = new Map<string, string>();
  for (const row of report.stations) for (const u of stationUnits(row)) if (!names.has(u.id) || u.name) names.set(u.id, u.name ?? names.get(u.id) ?? '');
  const units = [...names.keys()].sort();
  const rows = units.map((id) => ({
    key: id,
    label: names.get(id) ? `${names.get(id)} (${id})` : id,
    holds: (row: StationRow) => stationUnits(row).some((u) => u.id === id),
  }));
  if (report.stations.some((r) => r.heartbeat && stationUnits(r).length === 0)) {
    rows.push({ key: '', label: 'Whole facility', holds: (row) => row.heartbeat !== null && stationUnits(row).length === 0 });
  }
  if (report.stations.some((r) => !r.heartbeat)) rows.push({ key: '?', label: 'Units not known (heartbeat not verified)', holds: (row) => !row.heartbeat });
  return rows;
}

export function fleetHtml(report: FleetReport, zone: ZoneOption = {}): string {
  const when = (v: string | null | undefined) => escapeHtml(formatStampWithZone(v ?? null, zone));
  const e = escapeHtml;
  const stations = report.stations;
  const rows = gridRows(report);
  const grid = stations.length
    ? `<table class="grid"><thead><tr><th scope="col">Unit</th>${stations.map((s) => `<th scope="col">${e(s.station)}</th>`).join('')}</tr></thead><tbody>${rows
        .map(
          (r) =>
            `<tr><th scope="row">${e(r.label)}</th>${stations
              .map((s) => (r.holds(s) ? `<td class="cell s-${s.state}" title="${e(s.why)}">${e(cellText(s))}</td>` : '<td class="none">—</td>'))
              .join('')}</tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No heartbeat files were found in this folder.</p>';
  const list = stations
    .map((s) => {
      const hb = s.heartbeat;
      const snap = hb?.snapshot ?? null;
      const units = stationUnits(s).map((u) => u.id).join(', ') || (hb ? 'whole facility' : '—');
      return `<tr><td class="cell s-${s.state}">${stateWord(s.state)}</td><td>${e(s.station)}${hb?.demo ? ' (DEMO)' : ''}</td><td>${e(units)}</td><td>${snap ? snap.sequence : '—'}</td><td>${
        snap ? when(snap.asOf) : '—'
      }</td><td>${s.dataAgeSeconds !== null ? e(formatDuration(s.dataAgeSeconds)) : '—'}</td><td>${snap ? when(snap.expiresAt) : '—'}</td><td>${hb ? when(hb.at) : '—'}</td><td>${
        hb ? e(hb.appVersion) : '—'
      }</td><td>${e(s.why)}${hb?.lastFailure ? `<br>Last failure ${when(hb.lastFailure.at)} (${e(hb.lastFailure.code)}): ${e(hb.lastFailure.message)}` : ''}${
        s.signer ? `<br><small>Signed by ${e(s.signer.subject)}, SHA-256 ${e(s.signer.fingerprint.slice(0, 16))}…</small>` : ''
      }</td></tr>`;
    })
    .join('');
  const summary = STATION_STATES.filter((s) => report.counts[s] > 0)
    .map((s) => `<span class="s-${s}">${report.counts[s]} ${stateWord(s)}</span>`)
    .join('');
  const legend = STATION_STATES.map((s) => `<tr><td class="cell s-${s}">${stateWord(s)}</td><td>${e(STATE_MEANINGS[s])}</td></tr>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lantern fleet report, ${when(report.at)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Lantern fleet report</h1>
<p class="meta">Made ${when(report.at)} from ${e(report.dir)}: ${stations.length} station${stations.length === 1 ? '' : 's'}.</p>
<p class="summary">${summary}</p>
<h2>Units by station</h2>
${grid}
<h2>Stations, worst first</h2>
<table class="stations"><thead><tr><th>State</th><th>Station</th><th>Units</th><th>Sequence</th><th>Data as of</th><th>Data age</th><th>Expires</th><th>Last heartbeat</th><th>Version</th><th>Why</th></tr></thead><tbody>${list}</tbody></table>
<h2>States</h2>
<table class="legend"><tbody>${legend}</tbody></table>
</body>
</html>
`;
}
