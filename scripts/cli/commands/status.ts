import path from 'node:path';
import { openHome } from '../../../electron/core/home/open';
import { freshnessOf } from '../../../electron/shared/freshness';
import { copyAgeInDays, fallbackNotice, heldBackNotice } from '../../../electron/shared/notices';
import { ageInDays } from '../../../electron/core/home/expiry';
import { EXIT, defineCommand, stringOption } from '../command';
import { presentError } from '../../../electron/core/home/errors';
import { syncHolder } from '../../../electron/core/home/sync-lock';
import { chartModel } from '../../../electron/core/chart';

export default defineCommand({
  name: 'status',
  usage: 'lantern status --home DIR [--json]',
  summary: 'Show the snapshot in use, its freshness, the last rejection and the last local failure.',
  details: [
    'Opens the snapshot in use: when it cannot be read, the home switches to the newest intact',
    'kept copy (as the app does) and says so. Exits 1 when no intact copy is left.',
  ].join('\n'),
  positionals: 0,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const home = openHome(dir, { model: chartModel });
    let problem: string | null = null;
    try {
      home.queries();
    } catch (error) {
      problem = presentError(error, { surface: 'cli', homeDir: dir, where: 'status' }).message;
    }
    let status: ReturnType<typeof home.status>;
    try {
      status = home.status();
    } finally {
      home.close();
    }
    const now = new Date();
    const snap = status.snapshot;
    const freshness = snap ? freshnessOf({ asOf: snap.asOf, expiresAt: snap.expiresAt, now, staleAfterMinutes: status.staleAfterMinutes }) : null;
    const ageMinutes = freshness ? Math.floor(freshness.ageMs / 60_000) : null;
    const stale = freshness?.stale ?? false;
    const expired = freshness?.expired ?? false;
    /** The age a nurse confirms before an expired copy's chart opens. */
    const expiredAgeDays = snap && expired ? ageInDays(snap.asOf, now) : null;
    const exit = problem ? EXIT.FAILED : EXIT.OK;
    /** The sync agent that keeps this home (sync.lock), if one runs. */
    const syncedBy = syncHolder(dir);
    if (values['json'] === true) {
      io.out(JSON.stringify({ home: dir, now: now.toISOString(), ...status, ageMinutes, stale, expired, expiredAgeDays, problem, syncedBy }, null, 2));
      return exit;
    }
    io.out(`Home ${dir}${status.demo ? ' (DEMO data)' : ''}`);
    if (problem) io.out(`  UNUSABLE      ${problem}`);
    if (!snap) io.out('  No snapshot has been ingested yet.');
    else {
      io.out(`  facility      ${snap.facility.id} (${snap.facility.name})`);
      io.out(`  units         ${snap.units.map((u) => u.id).join(', ') || '(whole facility)'}`);
      io.out(`  sequence      ${snap.sequence}`);
      io.out(`  data as of    ${snap.asOf} (${ageMinutes} min ago${stale ? `, STALE: over ${status.staleAfterMinutes} min` : ''})`);
      io.out(`  ingested at   ${snap.ingestedAt}`);
      io.out(`  expires at    ${snap.expiresAt}${expired ? ' (EXPIRED)' : ''}`);
      if (expiredAgeDays !== null) {
        io.out(
          `  EXPIRED       this copy is ${copyAgeInDays(expiredAgeDays)} old. The app keeps protocols, forms, search and the census; ` +
            'a chart opens only once a nurse confirms that age (logged as expired-acknowledged in lantern.log), or never where the ' +
            'managed policy sets "expiredCharts": "block". Publish a new snapshot to this workstation.',
        );
      }
      io.out(`  counts        ${Object.entries(snap.counts).sort().map(([t, n]) => `${t} ${n}`).join(', ') || '(none)'}`);
      if (snap.truncated) io.out(`  truncated     ${snap.truncated} value(s) over the home's size limit, cut and marked`);
    }
    const fb = status.fallback;
    if (fb && snap) {
      io.out(`  EARLIER COPY  ${fallbackNotice(fb, snap.asOf)}`);
      io.out(
        fb.kind === 'damaged'
          ? `                At ${fb.at} sequence ${fb.from.sequence} (data as of ${fb.from.asOf}) could not be read: ${fb.reason}.`
          : `                At ${fb.at} IT rolled back from sequence ${fb.from.sequence} (data as of ${fb.from.asOf}).`,
      );
    }
    if (status.heldBack) io.out(`  HELD BACK     ${heldBackNotice(status.heldBack, { home: dir })}`);
    const rej = status.lastRejection;
    io.out(rej ? `  last rejection ${rej.at} ${rej.file}: ${rej.reason}` : '  last rejection (none)');
    io.out(syncedBy ? `  synced by     ${syncedBy.agent} (process ${syncedBy.pid} on ${syncedBy.host}, since ${syncedBy.since})` : '  synced by     (no sync agent runs)');
    const failure = status.lastFailure;
    io.out(failure ? `  last failure  ${failure.at}${failure.file ? ` ${failure.file}` : ''} (${failure.code}): ${failure.message}` : '  last failure  (none)');
    return exit;
  },
});
