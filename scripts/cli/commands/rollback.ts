import path from 'node:path';
import { rollbackHome } from '../../../electron/core/home/rollback';
import { isExpired } from '../../../electron/shared/freshness';
import { defineCommand, stringOption } from '../command';
import { chartModel } from '../../../electron/core/chart';

export default defineCommand({
  name: 'rollback',
  usage: 'lantern rollback --home DIR [--json]',
  summary: 'Switch back to the previous kept snapshot; the one rolled back from is dropped.',
  details: [
    'The newest intact earlier copy kept in the home (home.json keepSnapshots) becomes the',
    'snapshot in use; the app and every other process follow within seconds. The copy rolled',
    'back from is deleted, and since its sequence number stays the high-water mark it cannot be',
    'ingested again: the next snapshot published, with a higher sequence, replaces the one',
    'rolled back to. Damaged earlier copies are passed over and dropped.',
  ].join('\n'),
  positionals: 0,
  required: ['home'],
  options: {
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const { from, to, skipped } = rollbackHome(dir, { model: chartModel });
    if (values['json'] === true) {
      const brief = (s: typeof from) => ({ sequence: s.sequence, asOf: s.asOf, ingestedAt: s.ingestedAt, expiresAt: s.expiresAt });
      io.out(JSON.stringify({ home: dir, from: brief(from), to: brief(to), skipped: skipped.map((s) => ({ ...brief(s.status), reason: s.reason })) }));
      return 0;
    }
    io.out(`Rolled back ${dir}`);
    io.out(`  from  sequence ${from.sequence}, data as of ${from.asOf} (dropped; it cannot be ingested again)`);
    for (const s of skipped) io.out(`  past  sequence ${s.status.sequence}, data as of ${s.status.asOf}: ${s.reason} (dropped)`);
    io.out(`  to    sequence ${to.sequence}, data as of ${to.asOf} (ingested ${to.ingestedAt}). Now in use.`);
    if (isExpired(to.expiresAt, Date.now())) {
      io.err(
        `Note: this copy expired at ${to.expiresAt}; until a new snapshot arrives the app keeps its protocols, search and census, and opens its charts only after a nurse confirms its age (or never, under the policy's expiredCharts: block).`,
      );
    }
    return 0;
  },
});
