import path from 'node:path';
import { planSequenceReset, resetSequence } from '../../../electron/core/home/sequence';
import { CliError, EXIT, defineCommand, intOption, stringOption } from '../command';
import { parseRef } from './snapshot-common';

const mark = (n: number | null) => (n === null ? '(none)' : String(n));

export default defineCommand({
  name: 'reset-sequence',
  usage: 'lantern reset-sequence --home DIR --facility ID --to N --confirm',
  summary: "Set a facility's sequence high-water mark by hand (after a runaway sequence number); needs --confirm.",
  details: [
    '--facility ID  the facility whose mark to set (the home\'s own, when it is pinned to one)',
    '--to N         the new mark: the next snapshot must have a sequence number above N',
    '               (and at most the home\'s --max-sequence-jump above it)',
    '--confirm      do it; without it the command only says what it would change',
    'Use it when a snapshot with a far too high sequence number was ingested and the real',
    'publisher\'s snapshots are refused (ROLLBACK), or to start a home at the publisher\'s',
    'counter. The snapshot in use stays until the next one is ingested. Each reset is',
    'recorded in the home\'s state.json (sequenceResets).',
  ].join('\n'),
  positionals: 0,
  required: ['home', 'facility', 'to'],
  options: {
    home: { type: 'string' },
    facility: { type: 'string' },
    to: { type: 'string' },
    confirm: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const dir = path.resolve(stringOption(values, 'home')!);
    const facility = parseRef(stringOption(values, 'facility')!, 'Facility').id;
    const to = intOption(values, 'to', 0, 0, Number.MAX_SAFE_INTEGER);
    const plan = planSequenceReset(dir, facility, to);
    const change = `the sequence high-water mark of facility ${facility} in ${dir} from ${mark(plan.from)} to ${to}`;
    if (plan.from === to) {
      io.out(`The sequence high-water mark of facility ${facility} in ${dir} is already ${to}; nothing changed.`);
      return EXIT.OK;
    }
    if (values['confirm'] !== true) {
      throw new CliError(`This would set ${change}. Nothing was changed: run it again with --confirm to do it.`, EXIT.USAGE);
    }
    const result = resetSequence(dir, { facility, to });
    io.out(`Set ${change}.`);
    io.out(`  The next snapshot must have a sequence number from ${to + 1} to ${Math.min(to + result.maxSequenceJump, Number.MAX_SAFE_INTEGER)}.`);
    io.out('  The snapshot in use stays until then. Recorded in state.json (sequenceResets).');
    return EXIT.OK;
  },
});
