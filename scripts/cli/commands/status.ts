import path from 'node:path';
import { openHome } from '../../../electron/core/home/open';
import { defineCommand, stringOption } from '../command';
import { withSnapshotErrors } from './snapshot-common';

export default defineCommand({
  name: 'status',
  usage: 'lantern status --home DIR [--json]',
  summary: 'Show the snapshot in use, its freshness, and the last rejection.',
  positionals: 0,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const status = await withSnapshotErrors(async () => {
      const home = openHome(dir);
      try {
        return home.status();
      } finally {
        home.close();
      }
    });
    const now = new Date();
    const snap = status.snapshot;
    const ageMinutes = snap ? Math.floor((now.getTime() - new Date(snap.asOf).getTime()) / 60_000) : null;
    const stale = ageMinutes !== null && ageMinutes > status.staleAfterMinutes;
    const expired = snap ? now.getTime() >= new Date(snap.expiresAt).getTime() : false;
    if (values['json'] === true) {
      io.out(JSON.stringify({ home: dir, now: now.toISOString(), ...status, ageMinutes, stale, expired }, null, 2));
      return 0;
    }
    io.out(`Home ${dir}${status.demo ? ' (DEMO data)' : ''}`);
    if (!snap) io.out('  No snapshot has been ingested yet.');
    else {
      io.out(`  facility      ${snap.facility.id} (${snap.facility.name})`);
      io.out(`  units         ${snap.units.map((u) => u.id).join(', ') || '(whole facility)'}`);
      io.out(`  sequence      ${snap.sequence}`);
      io.out(`  data as of    ${snap.asOf} (${ageMinutes} min ago${stale ? `, STALE: over ${status.staleAfterMinutes} min` : ''})`);
      io.out(`  ingested at   ${snap.ingestedAt}`);
      io.out(`  expires at    ${snap.expiresAt}${expired ? ' (EXPIRED)' : ''}`);
      io.out(`  counts        ${Object.entries(snap.counts).sort().map(([t, n]) => `${t} ${n}`).join(', ') || '(none)'}`);
      if (snap.truncated) io.out(`  truncated     ${snap.truncated} value(s) over the home's size limit, cut and marked`);
    }
    const rej = status.lastRejection;
    io.out(rej ? `  last rejection ${rej.at} ${rej.file}: ${rej.reason}` : '  last rejection (none)');
    return 0;
  },
});
