import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHeartbeat, checkHeartbeat, heartbeatFileName, signHeartbeat, startHeartbeat, type Heartbeat } from '../../electron/core/home/heartbeat';
import { FLEET_EXIT, fleetExitCode, readFleet, type FleetReport } from '../../electron/core/home/fleet';
import { fleetHtml } from '../../electron/core/home/fleet-html';
import { escapeLabel, fleetMetrics } from '../../electron/core/home/fleet-metrics';
import { homePath } from '../../electron/core/home/layout';
import { certificatesFromPem } from '../../electron/core/snapshot/pki/certs';
import { runCli } from '../support/cli';
import { REPORT_AT, at, makeFleet, type Fleet } from '../support/fleet';
import { parseExposition, sampleValue } from '../support/prometheus';
import { TINY_PATIENTS, tempDir } from '../support/snapshots';

const MIN = 60_000;
/** Prometheus' own checker, where it is installed (Debian: apt-get install prometheus). */
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
let fleet: Fleet;
let anchors: ReturnType<typeof certificatesFromPem>;
/** The share with the fleet's heartbeats plus a tampered one and one signed under another hospital's CA. */
let share: string;

function parsed(text: string): { heartbeat: Heartbeat } & Record<string, unknown> {
  return JSON.parse(text) as { heartbeat: Heartbeat } & Record<string, unknown>;
}

beforeAll(async () => {
  fleet = await makeFleet();
  anchors = certificatesFromPem(fleet.pki.ca.certPem);
  share = path.join(tempDir('lantern-share-'), 'share');
  cpSync(fleet.share, share, { recursive: true });
  // Tampered: a stale station's heartbeat edited to claim fresh data, signature left as it was.
  const tampered = parsed(fleet.texts['ws-stale']!);
  tampered.heartbeat = { ...tampered.heartbeat, station: 'ws-tampered', snapshot: { ...tampered.heartbeat.snapshot!, asOf: at(10 * MIN).toISOString() } };
  writeFileSync(path.join(share, heartbeatFileName('ws-tampered')), JSON.stringify(tampered));
  // Foreign: a well-formed heartbeat signed by a workstation of another CA.
  const foreignHome = Object.values(fleet.homes)[0]!;
  const hb = { ...buildHeartbeat({ homeDir: foreignHome, station: 'ws-foreign', intervalMinutes: 15, appVersion: '0.1.0', now: at(MIN) }) };
  const [foreignCert] = certificatesFromPem(fleet.foreign.workstations[0]!.certPem);
  writeFileSync(path.join(share, heartbeatFileName('ws-foreign')), signHeartbeat(hb, { certificate: foreignCert!, key: createPrivateKey(fleet.foreign.workstations[0]!.keyPem) }));
}, 120_000);

describe('the heartbeat', () => {
  it("says what the station holds, read from its home: units, sequence, data-as-of, age, expiry; no patient in it", () => {
    const text = fleet.texts['ws-two-units']!;
    const hb = parsed(text).heartbeat;
    expect(hb.station).toBe('ws-two-units');
    expect(hb.units).toEqual([
      { id: '4W', name: 'Unit 4W' },
      { id: '5E', name: 'Unit 5E' },
    ]);
    expect(hb.snapshot).toEqual({
      sequence: 102,
      asOf: at(20 * MIN).toISOString(),
      ingestedAt: at(18 * MIN).toISOString(),
      expiresAt: new Date(at(20 * MIN).getTime() + 30 * 24 * 60 * MIN).toISOString(),
    });
    expect(hb.at).toBe(at(6 * MIN).toISOString());
    expect(hb.ageSeconds).toBe(14 * 60);
    expect(hb.expiresInSeconds).toBe(30 * 24 * 3600 - 14 * 60);
    expect([hb.stale, hb.expired, hb.lastRefusal, hb.lastFailure, hb.facility]).toEqual([false, false, null, null, 'GH']);
    for (const p of TINY_PATIENTS) {
      expect(text).not.toContain(p.family);
      expect(text).not.toContain(p.given);
    }
    // The home keeps its own copy (what the local detection script reads).
    expect(readFileSync(homePath(fleet.homes['ws-two-units']!, 'heartbeat'), 'utf8')).toBe(text);
  });

  it('carries the last refusal with its code, and the stale and expired flags at its time', () => {
    const rejecting = parsed(fleet.texts['ws-rejecting']!).heartbeat;
    expect(rejecting.lastRefusal?.code).toBe('ROLLBACK');
    expect(rejecting.lastRefusal?.at).toBe(at(20 * MIN).toISOString());
    expect(parsed(fleet.texts['ws-stale']!).heartbeat.stale).toBe(true);
    const expired = parsed(fleet.texts['ws-expired']!).heartbeat;
    expect([expired.expired, expired.expiresInSeconds]).toEqual([true, -(12 * 3600 - 60)]);
    expect(parsed(fleet.texts['ws-empty']!).heartbeat.snapshot).toBeNull();
  });

  it('verifies against the hospital CA; a tampered, a foreign-signed, a re-certified or a damaged heartbeat does not', () => {
    const good = checkHeartbeat(fleet.texts['ws-fresh']!, anchors, REPORT_AT);
    expect(good.trusted).toBe(true);
    if (good.trusted) expect(good.signer.subject).toBe('Lantern Test Workstation 1');

    const tampered = checkHeartbeat(readFileSync(path.join(share, heartbeatFileName('ws-tampered'))), anchors, REPORT_AT);
    expect(tampered).toMatchObject({ trusted: false, problem: expect.stringMatching(/signature does not verify/) });

    const foreign = checkHeartbeat(readFileSync(path.join(share, heartbeatFileName('ws-foreign'))), anchors, REPORT_AT);
    expect(foreign).toMatchObject({ trusted: false, problem: expect.stringMatching(/not issued by the trusted CA/) });

    // Another station's (genuine) certificate put beside this signature.
    const swapped = parsed(fleet.texts['ws-fresh']!);
    swapped['certificates'] = [fleet.pki.workstations[1]!.certPem];
    expect(checkHeartbeat(JSON.stringify(swapped), anchors, REPORT_AT)).toMatchObject({ trusted: false, problem: expect.stringMatching(/signature does not verify/) });

    // Certificates outside their validity (the PKI's run a year).
    expect(checkHeartbeat(fleet.texts['ws-fresh']!, anchors, new Date(REPORT_AT.getTime() + 400 * 24 * 60 * MIN))).toMatchObject({
      trusted: false,
      problem: expect.stringMatching(/outside its validity/),
    });
    expect(checkHeartbeat('{"format":"lantern-heartbeat"', anchors, REPORT_AT)).toMatchObject({ trusted: false, problem: 'the file is not JSON' });
    expect(checkHeartbeat(' '.repeat(70_000), anchors, REPORT_AT)).toMatchObject({ trusted: false, problem: expect.stringMatching(/more than a heartbeat/) });
  });

  it('is written at start and on demand by the agent; a missing share is logged once, and again when it works', async () => {
    const home = fleet.homes['ws-fresh']!;
    const dir = path.join(tempDir('lantern-beat-'), 'not-yet');
    let now = at(2 * MIN);
    const lines: string[] = [];
    const agent = startHeartbeat({ homeDir: home, config: { dir, intervalMinutes: 10, stationId: 'ws-agent' }, appVersion: '9.9.9', clock: () => now, log: (l) => lines.push(l) });
    try {
      const first = await agent.beat();
      expect(first.map((d) => [d.target, d.ok])).toEqual([
        ['home', true],
        ['dir', false],
      ]);
      now = at(MIN);
      await agent.beat();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^heartbeat to dir failed: /);
      mkdirSync(dir);
      await agent.beat();
      const written = readFileSync(path.join(dir, 'ws-agent.heartbeat.json'), 'utf8');
      const check = checkHeartbeat(written, anchors, REPORT_AT);
      expect(check.trusted && [check.heartbeat.station, check.heartbeat.appVersion, check.heartbeat.intervalMinutes, check.heartbeat.at]).toEqual([
        'ws-agent',
        '9.9.9',
        10,
        at(MIN).toISOString(),
      ]);
      expect(lines[1]).toBe('heartbeat to dir works again');
      const log = readFileSync(homePath(home, 'log'), 'utf8');
      expect(log.match(/"event":"heartbeat-failed"/g)).toHaveLength(1);
      expect(log).toContain('"event":"heartbeat-restored","target":"dir"');
    } finally {
      agent.close();
    }
  });
});

describe('the fleet report', () => {
  let report: FleetReport;
  beforeAll(() => {
    report = readFleet(share, anchors, REPORT_AT);
  });

  it('puts each station in its state, worst first, with the ages at the report time', () => {
    expect(report.stations.map((s) => [s.state, s.station])).toEqual([
      ['untrusted', 'ws-foreign'],
      ['untrusted', 'ws-tampered'],
      ['silent', 'ws-silent'],
      ['expired', 'ws-empty'],
      ['expired', 'ws-expired'],
      ['stale', 'ws-stale'],
      ['rejecting', 'ws-rejecting'],
      ['fresh', 'ws-fresh'],
      ['fresh', 'ws-two-units'],
    ]);
    const row = (station: string) => report.stations.find((s) => s.station === station)!;
    expect(row('ws-stale')).toMatchObject({ dataAgeSeconds: 3 * 3600, heartbeatAgeSeconds: 120, why: 'Data 3 h 00 min old (stale after 2 h 00 min).' });
    expect(row('ws-silent')).toMatchObject({ heartbeatAgeSeconds: 35 * 60, dataAgeSeconds: 40 * 60, why: 'No heartbeat for 35 min (one every 15 min expected).' });
    expect(row('ws-expired')).toMatchObject({ expiresInSeconds: -12 * 3600, dataAgeSeconds: 24 * 3600 });
    expect(row('ws-empty').why).toBe('No snapshot has been taken yet.');
    expect(row('ws-rejecting').why).toBe('Refused its last snapshot (ROLLBACK): the snapshot sequence number is not newer than the one already ingested (replay or rollback) (sequence 101, already ingested 101).');
    expect(row('ws-fresh')).toMatchObject({ dataAgeSeconds: 30 * 60, why: 'Data 30 min old.' });
    // Nothing an untrusted heartbeat says is used.
    expect(row('ws-tampered')).toMatchObject({ heartbeat: null, dataAgeSeconds: null, why: expect.stringMatching(/^Not verified: its signature does not verify/) });
    expect(report.counts).toEqual({ untrusted: 2, silent: 1, expired: 2, stale: 1, rejecting: 1, fresh: 2 });
  });

  it('exits 5 on any stale, expired, silent or untrusted station, 4 when the worst is rejecting, 0 when all are fresh', () => {
    expect(fleetExitCode(report)).toBe(FLEET_EXIT.ATTENTION);
    const only = (stations: string[]) => {
      const dir = tempDir('lantern-some-');
      for (const s of stations) copyFileSync(path.join(share, heartbeatFileName(s)), path.join(dir, heartbeatFileName(s)));
      return fleetExitCode(readFleet(dir, anchors, REPORT_AT));
    };
    expect(only(['ws-fresh', 'ws-two-units'])).toBe(0);
    expect(only(['ws-fresh', 'ws-rejecting'])).toBe(4);
    for (const worse of ['ws-stale', 'ws-expired', 'ws-silent', 'ws-empty', 'ws-tampered', 'ws-foreign']) expect(only(['ws-fresh', worse]), worse).toBe(5);
  });

  it("calls a genuine heartbeat copied into another station's file untrusted", () => {
    const dir = tempDir('lantern-copy-');
    writeFileSync(path.join(dir, heartbeatFileName('ws-other')), fleet.texts['ws-fresh']!);
    const [row] = readFleet(dir, anchors, REPORT_AT).stations;
    expect(row).toMatchObject({ station: 'ws-other', state: 'untrusted', why: expect.stringMatching(/signed for station ws-fresh but lies in the file of ws-other/) });
  });

  it("calls untrusted a heartbeat dated well ahead of the report's clock, and takes one a few minutes ahead", () => {
    const dir = tempDir('lantern-ahead-');
    const home = fleet.homes['ws-fresh']!;
    const identity = { certificate: certificatesFromPem(fleet.pki.workstations[0]!.certPem)[0]!, key: createPrivateKey(fleet.pki.workstations[0]!.keyPem) };
    const write = (minutesAhead: number) => {
      const hb = buildHeartbeat({ homeDir: home, station: 'ws-fresh', intervalMinutes: 15, appVersion: '0.1.0', now: at(-minutesAhead * MIN) });
      writeFileSync(path.join(dir, heartbeatFileName('ws-fresh')), signHeartbeat(hb, identity));
      return readFleet(dir, anchors, REPORT_AT).stations[0]!;
    };
    expect(write(5).state).toBe('fresh');
    expect(write(90)).toMatchObject({ state: 'untrusted', why: expect.stringMatching(/^Not verified: it is dated 1 h 30 min ahead of this computer's clock/) });
  });

  it('calls untrusted every station whose heartbeat is signed by a certificate that signs for another station too', async () => {
    const dir = tempDir('lantern-shared-cert-');
    const home = fleet.homes['ws-fresh']!;
    const identity = { certificate: certificatesFromPem(fleet.pki.workstations[0]!.certPem)[0]!, key: createPrivateKey(fleet.pki.workstations[0]!.keyPem) };
    for (const station of ['ws-fresh', 'ws-dead']) {
      const hb = buildHeartbeat({ homeDir: home, station, intervalMinutes: 15, appVersion: '0.1.0', now: at(MIN) });
      writeFileSync(path.join(dir, heartbeatFileName(station)), signHeartbeat(hb, identity));
    }
    const rows = readFleet(dir, anchors, REPORT_AT).stations;
    expect(rows.map((r) => [r.station, r.state, r.why])).toEqual([
      ['ws-dead', 'untrusted', 'Not verified: certificate "Lantern Test Workstation 1" signs the heartbeats of ws-dead, ws-fresh; each station must sign with its own.'],
      ['ws-fresh', 'untrusted', 'Not verified: certificate "Lantern Test Workstation 1" signs the heartbeats of ws-dead, ws-fresh; each station must sign with its own.'],
    ]);
  });

  it('writes a Prometheus textfile the exposition format allows, with the ages, expiries, sequences and states', () => {
    const { samples, types } = parseExposition(fleetMetrics(report));
    expect(Object.values(types).every((t) => t === 'gauge')).toBe(true);
    expect(sampleValue(samples, 'lantern_snapshot_age_seconds', { station: 'ws-stale', unit: '4W' })).toBe(10800);
    expect(sampleValue(samples, 'lantern_snapshot_age_seconds', { station: 'ws-two-units', unit: '5E' })).toBe(1200);
    expect(sampleValue(samples, 'lantern_snapshot_age_seconds', { station: 'ws-two-units', unit: '4W' })).toBe(1200);
    expect(sampleValue(samples, 'lantern_snapshot_expiry_seconds', { station: 'ws-expired', unit: '4W' })).toBe(-43200);
    expect(sampleValue(samples, 'lantern_snapshot_sequence', { station: 'ws-fresh', unit: '4W' })).toBe(101);
    expect(sampleValue(samples, 'lantern_heartbeat_age_seconds', { station: 'ws-silent' })).toBe(2100);
    expect(sampleValue(samples, 'lantern_station_state', { station: 'ws-silent', state: 'silent' })).toBe(1);
    expect(sampleValue(samples, 'lantern_station_state', { station: 'ws-silent', state: 'fresh' })).toBe(0);
    expect(sampleValue(samples, 'lantern_station_state', { station: 'ws-tampered', state: 'untrusted' })).toBe(1);
    expect(sampleValue(samples, 'lantern_heartbeat_trusted', { station: 'ws-foreign' })).toBe(0);
    expect(sampleValue(samples, 'lantern_fleet_stations', { state: 'expired' })).toBe(2);
    expect(sampleValue(samples, 'lantern_fleet_report_timestamp_seconds')).toBe(REPORT_AT.getTime() / 1000);
    // An untrusted station has no data samples; a station without a copy has no age.
    expect(samples.filter((s) => s.name === 'lantern_snapshot_age_seconds' && ['ws-tampered', 'ws-empty'].includes(s.labels['station']!))).toEqual([]);
    // Every station appears in each state series once.
    expect(samples.filter((s) => s.name === 'lantern_station_state')).toHaveLength(9 * 6);
  });

  it.runIf(PROMTOOL)('passes promtool check metrics (run only where promtool is installed)', () => {
    const result = spawnSync('promtool', ['check', 'metrics'], { input: fleetMetrics(report), encoding: 'utf8' });
    expect([result.status, result.stdout + result.stderr]).toEqual([0, '']);
  });

  it('escapes label values the format needs escaped', () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const row = report.stations.find((s) => s.station === 'ws-fresh')!;
    const odd = { ...report, stations: [{ ...row, heartbeat: { ...row.heartbeat!, units: [{ id: 'West "4"\\B\nx' }] } }] };
    const { samples } = parseExposition(fleetMetrics(odd));
    expect(sampleValue(samples, 'lantern_snapshot_age_seconds', { station: 'ws-fresh', unit: 'West "4"\\B\nx' })).toBe(1800);
  });

  it('writes one self-contained HTML page: a unit-by-station grid in colour and words, times with year and zone', () => {
    const html = fleetHtml(report, { timeZone: 'UTC' });
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import|https?:\/\//i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    const grid = html.slice(html.indexOf('<table class="grid">'), html.indexOf('</table>', html.indexOf('<table class="grid">')));
    const header = [...grid.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(header).toEqual(['Unit', 'ws-foreign', 'ws-tampered', 'ws-silent', 'ws-empty', 'ws-expired', 'ws-stale', 'ws-rejecting', 'ws-fresh', 'ws-two-units']);
    const rows = [...grid.matchAll(/<tr><th scope="row">([^<]+)<\/th>(.*?)<\/tr>/g)].map((m) => [m[1], [...m[2]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1])]);
    expect(rows).toEqual([
      ['Unit 4W (4W)', ['—', '—', 'SILENT 35 min', 'EXPIRED no copy', 'EXPIRED 24 h 00 min', 'STALE 3 h 00 min', 'REJECTING 30 min', 'FRESH 30 min', 'FRESH 20 min']],
      ['Unit 5E (5E)', ['—', '—', '—', '—', '—', '—', '—', '—', 'FRESH 20 min']],
      ['Units not known (heartbeat not verified)', ['UNTRUSTED', 'UNTRUSTED', '—', '—', '—', '—', '—', '—', '—']],
    ]);
    expect(grid).toContain('<td class="cell s-stale"');
    expect(html).toMatch(/\.s-stale\{background:#[0-9a-f]{6};color:#[0-9a-f]{6}\}/);
    // The stale station's row: its sequence and data-as-of with year and zone.
    expect(html).toContain(`<td>90</td><td>03 Mar 2026 09:00 UTC</td><td>3 h 00 min</td>`);
    expect(html).toContain('<title>Lantern fleet report, 03 Mar 2026 12:00 UTC</title>');
  });
});

describe('lantern fleet report', () => {
  it('prints the fleet worst first and exits 5; --json, --html and --prometheus carry the same report', async () => {
    const out = tempDir('lantern-report-');
    const html = path.join(out, 'fleet.html');
    const prom = path.join(out, 'lantern.prom');
    const args = ['fleet', 'report', '--dir', share, '--trust', fleet.pki.files.ca, '--at', REPORT_AT.toISOString(), '--time-zone', 'UTC'];
    const text = await runCli(args);
    expect(text.code).toBe(5);
    const lines = text.out.split('\n');
    expect(lines[0]).toBe('Fleet report 03 Mar 2026 12:00 UTC: 9 station(s), 2 untrusted, 1 silent, 2 expired, 1 stale, 1 rejecting, 2 fresh');
    expect(lines[6]).toBe(
      '  STALE      ws-stale      4W: sequence 90, data as of 03 Mar 2026 09:00 UTC, heartbeat 2 min ago. Data 3 h 00 min old (stale after 2 h 00 min).',
    );
    const json = await runCli([...args, '--json', '--html', html, '--prometheus', prom]);
    expect(json.code).toBe(5);
    const report = JSON.parse(json.out) as FleetReport & { exitCode: number };
    expect(report.exitCode).toBe(5);
    expect(report.stations.map((s) => s.state)).toEqual(['untrusted', 'untrusted', 'silent', 'expired', 'expired', 'stale', 'rejecting', 'fresh', 'fresh']);
    expect(report.stations.find((s) => s.station === 'ws-fresh')?.heartbeat?.snapshot?.sequence).toBe(101);
    expect(readFileSync(html, 'utf8')).toContain('STALE 3 h 00 min');
    expect(sampleValue(parseExposition(readFileSync(prom, 'utf8')).samples, 'lantern_snapshot_age_seconds', { station: 'ws-stale', unit: '4W' })).toBe(10800);
    expect(readdirSync(out).sort()).toEqual(['fleet.html', 'lantern.prom']);
  });

  it('exits 0 on a fresh fleet, 1 on an empty folder or unreadable trust, 2 without --trust', async () => {
    const dir = tempDir('lantern-fresh-');
    copyFileSync(path.join(share, heartbeatFileName('ws-fresh')), path.join(dir, heartbeatFileName('ws-fresh')));
    const base = ['fleet', 'report', '--dir', dir, '--trust', fleet.pki.files.ca, '--at', REPORT_AT.toISOString()];
    expect((await runCli(base)).code).toBe(0);
    rmSync(path.join(dir, heartbeatFileName('ws-fresh')));
    const empty = await runCli(base);
    expect([empty.code, empty.err]).toEqual([1, `lantern fleet report: No heartbeat file (STATION.heartbeat.json) is in ${dir}.`]);
    const noTrust = await runCli(['fleet', 'report', '--dir', dir, '--trust', path.join(dir, 'missing.pem')]);
    expect(noTrust.code).toBe(1);
    expect(noTrust.err).toMatch(/trust file .* cannot be read/);
    expect((await runCli(['fleet', 'report', '--dir', dir])).code).toBe(2);
    expect((await runCli([...base, '--at', 'yesterday'])).code).toBe(2);
    expect(existsSync(dir)).toBe(true);
  });
});
