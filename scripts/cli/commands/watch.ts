import path from 'node:path';
import { startInboxAgent } from '../../../electron/core/sync/inbox';
import { startHeartbeat } from '../../../electron/core/home/heartbeat';
import { policyPath, readPolicy } from '../../../electron/core/home/policy';
import { defineCommand, stringOption } from '../command';
import { version } from '../../../package.json';
import { chartModel } from '../../../electron/core/chart';

export default defineCommand({
  name: 'watch',
  usage: 'lantern watch --home DIR --inbox DIR [--poll] [--policy FILE]',
  summary: 'Watch an inbox folder and ingest new snapshots in sequence order (Ctrl+C stops).',
  details: [
    'Each file is ingested once it holds every byte it declares and has not changed for a',
    'second, then moved to processed/, or to rejected/ with a .reason.txt beside it when the',
    'snapshot is refused. A file still being written is waited for (refused as TRUNCATED only',
    'after a minute without change). A failure of this workstation (disk full, permission',
    'denied, a locked database) leaves the file in the inbox and tries it again later. Links,',
    'folders and other entries that are not files are refused. Every event also goes to the',
    "home's lantern.log. --poll polls the folder (network shares).",
    "Where the managed policy (or --policy FILE) has a heartbeat block, a signed heartbeat is",
    'written at start and every intervalMinutes (docs/FLEET.md).',
  ].join('\n'),
  positionals: 0,
  required: ['home', 'inbox'],
  options: {
    home: { type: 'string' },
    inbox: { type: 'string' },
    poll: { type: 'boolean' },
    policy: { type: 'string' },
  },
  run: async ({ values }, io) => {
    const homeDir = path.resolve(stringOption(values, 'home')!);
    const policy = readPolicy(stringOption(values, 'policy') ?? policyPath(process.platform, process.env));
    const agent = startInboxAgent({
      model: chartModel,
      homeDir,
      inbox: path.resolve(stringOption(values, 'inbox')!),
      usePolling: values['poll'] === true,
      log: (line) => io.out(`${new Date().toISOString()} ${line}`),
    });
    await agent.ready;
    const heartbeat = policy.heartbeat
      ? startHeartbeat({
          homeDir,
          config: policy.heartbeat,
          appVersion: version,
          staleAfterMinutes: policy.staleAfterMinutes,
          localFailure: () => agent.lastFailure(),
          log: (line) => io.out(`${new Date().toISOString()} ${line}`),
        })
      : null;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    heartbeat?.close();
    await agent.close();
    io.out('stopped');
    return 0;
  },
});
