import path from 'node:path';
import { tryOpenAuditLog } from '../../../electron/core/home/audit';
import { startInboxAgent } from '../../../electron/core/sync/inbox';
import { defineCommand, stringOption } from '../command';
import { chartModel } from '../../../electron/core/chart';

export default defineCommand({
  name: 'watch',
  usage: 'lantern watch --home DIR --inbox DIR [--poll]',
  summary: 'Watch an inbox folder and ingest new snapshots in sequence order (Ctrl+C stops).',
  details: [
    'Each file is ingested once it holds every byte it declares and has not changed for a',
    'second, then moved to processed/, or to rejected/ with a .reason.txt beside it when the',
    'snapshot is refused. A file still being written is waited for (refused as TRUNCATED only',
    'after a minute without change). A failure of this workstation (disk full, permission',
    'denied, a locked database) leaves the file in the inbox and tries it again later. Links,',
    'folders and other entries that are not files are refused. Every event also goes to the',
    "home's lantern.log. --poll polls the folder (network shares).",
  ].join('\n'),
  positionals: 0,
  required: ['home', 'inbox'],
  options: {
    home: { type: 'string' },
    inbox: { type: 'string' },
    poll: { type: 'boolean' },
  },
  run: async ({ values }, io) => {
    const homeDir = path.resolve(stringOption(values, 'home')!);
    const audit = tryOpenAuditLog(homeDir, { timer: true });
    const agent = startInboxAgent({
      model: chartModel,
      homeDir,
      ...(audit ? { audit } : {}),
      inbox: path.resolve(stringOption(values, 'inbox')!),
      usePolling: values['poll'] === true,
      log: (line) => io.out(`${new Date().toISOString()} ${line}`),
    });
    await agent.ready;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await agent.close();
    audit?.close();
    io.out('stopped');
    return 0;
  },
});
