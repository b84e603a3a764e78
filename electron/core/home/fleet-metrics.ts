import { STATION_STATES, stationUnits, type FleetReport } from './fleet';

/**
 * The fleet report in the Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector or Windows' windows_exporter: gauges only, no
 * timestamps (the collector refuses them), one HELP and TYPE per metric before its samples.
 * A station's unit label is "" when it holds the whole facility.
 */

/** Label values escape backslash, double quote and line feed, as the format says. */
export const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

type Labels = Record<string, string>;

class Exposition {
  private lines: string[] = [];
  metric(name: string, help: string, samples: Array<[Labels, number]>): void {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      this.lines.push(`${name}${text ? `{${text}}` : ''} ${Number.isFinite(value) ? String(value) : 'NaN'}`);
    }
  }
  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

export function fleetMetrics(report: FleetReport): string {
  const out = new Exposition();
  const verified = report.stations.filter((s) => s.heartbeat !== null);
  const perUnit = (value: (s: (typeof verified)[number]) => number | null): Array<[Labels, number]> =>
    verified.flatMap((s) => {
      const v = value(s);
      if (v === null) return [];
      const units = stationUnits(s);
      return (units.length ? units.map((u) => u.id) : ['']).map((unit): [Labels, number] => [{ station: s.station, unit }, v]);
    });
  out.metric('lantern_fleet_report_timestamp_seconds', 'When this report was made (Unix time).', [[{}, Math.floor(Date.parse(report.at) / 1000)]]);
  out.metric(
    'lantern_fleet_stations',
    'Stations in each state.',
    STATION_STATES.map((state) => [{ state }, report.counts[state]]),
  );
  out.metric(
    'lantern_station_state',
    `1 for the state each station is in (${STATION_STATES.join(', ')}), 0 for the others.`,
    report.stations.flatMap((s) => STATION_STATES.map((state): [Labels, number] => [{ station: s.station, state }, s.state === state ? 1 : 0])),
  );
  out.metric(
    'lantern_heartbeat_trusted',
    "1 when the station's heartbeat verifies against the trusted CA, else 0.",
    report.stations.map((s) => [{ station: s.station }, s.heartbeat ? 1 : 0]),
  );
  out.metric(
    'lantern_heartbeat_age_seconds',
    "Seconds since the station's last verified heartbeat was made.",
    verified.map((s) => [{ station: s.station }, s.heartbeatAgeSeconds ?? 0]),
  );
  out.metric('lantern_heartbeat_interval_seconds', 'Seconds between two heartbeats of the station.', verified.map((s) => [{ station: s.station }, s.heartbeat!.intervalMinutes * 60]));
  out.metric('lantern_snapshot_age_seconds', "Seconds since the data-as-of time of the station's copy in use (absent: no copy).", perUnit((s) => s.dataAgeSeconds));
  out.metric('lantern_snapshot_expiry_seconds', "Seconds until the station's copy in use expires (negative: expired).", perUnit((s) => s.expiresInSeconds));
  out.metric('lantern_snapshot_stale_after_seconds', "The station's stale threshold, in seconds after the data-as-of time.", perUnit((s) => s.heartbeat!.staleAfterMinutes * 60));
  out.metric('lantern_snapshot_sequence', "The sequence number of the station's copy in use.", perUnit((s) => s.heartbeat!.snapshot?.sequence ?? null));
  out.metric(
    'lantern_audit_backlog',
    'Audit entries the station has not yet sent on (absent: not known).',
    verified.flatMap((s): Array<[Labels, number]> => (s.heartbeat!.auditBacklog !== undefined ? [[{ station: s.station }, s.heartbeat!.auditBacklog]] : [])),
  );
  return out.toString();
}
