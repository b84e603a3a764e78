import path from 'node:path';
import { tryOpenAuditLog } from '../../../electron/core/home/audit';
import { startHttpsAgent, type HttpsAgent } from '../../../electron/core/sync/https';
import { startInboxAgent, type InboxAgent } from '../../../electron/core/sync/inbox';
import { acquireSyncLock } from '../../../electron/core/home/sync-lock';
import { environmentProxy, proxyFromSetting } from '../../../electron/core/sync/proxy';
import { CliError, EXIT, defineCommand, intOption, stringOption } from '../command';
import { startHeartbeat } from '../../../electron/core/home/heartbeat';
import { readMachinePolicy, readPolicy } from '../../../electron/core/home/policy';
import { HTTPS_POLL_SECONDS } from '../../../electron/core/home/policy-defaults';
import { agentGroup } from '../../../electron/core/sync/status';
import { version } from '../../../package.json';
import { chartModel } from '../../../electron/core/chart';
import { readText } from './snapshot-common';

export default defineCommand({
  name: 'watch',
  usage: 'lantern watch --home DIR (--inbox DIR [--poll] | --url URL [--ca FILE] [--proxy URL|direct] [--interval S]) [--policy FILE]',
  summary: 'Watch an inbox folder, or poll a web server, and ingest new snapshots in sequence order (Ctrl+C stops).',
  details: [
    'With --inbox: each file is ingested once it holds every byte it declares and has not changed',
    'for a second, then moved to processed/, or to rejected/ with a .reason.txt beside it when the',
    'snapshot is refused. A file still being written is waited for (refused as TRUNCATED only',
    'after a minute without change). A failure of this workstation (disk full, permission',
    'denied, a locked database) leaves the file in the inbox and tries it again later. Links,',
    'folders and other entries that are not files are refused. --poll polls the folder (network',
    'shares).',
    '',
    "With --url: the publisher's signed pointer on a web server (https://.../GH-4W-pointer.json)",
    `is checked every --interval seconds (default ${HTTPS_POLL_SECONDS}, with jitter), with conditional requests; a`,
    'newer snapshot it names is downloaded into the home (resumed after a cut, never more than the',
    'pointer says, its SHA-256 checked) and ingested. HTTP and TLS errors are shown and retried,',
    'sooner at first, then less often while the server stays down (up to 15 minutes).',
    '--ca FILE          PEM CA certificates the server may chain to, besides the system\'s',
    '--proxy URL        the proxy to go through, or "direct"; default HTTPS_PROXY (and NO_PROXY)',
    '',
    "Both may be given. Every event also goes to the home's lantern.log. One sync runs per home:",
    'while the desktop app or another lantern watch keeps it (sync.lock in the home), this exits 1',
    'saying which process does.',
    'Where the managed policy (or --policy FILE) has a heartbeat block, a signed heartbeat is',
    'written at start and every intervalMinutes (docs/FLEET.md).',
  ].join('\n'),
  positionals: 0,
  required: ['home'],
  options: {
    home: { type: 'string' },
    inbox: { type: 'string' },
    poll: { type: 'boolean' },
    url: { type: 'string' },
    ca: { type: 'string' },
    proxy: { type: 'string' },
    interval: { type: 'string' },
    policy: { type: 'string' },
  },
  run: async ({ values }, io) => {
    const homeDir = path.resolve(stringOption(values, 'home')!);
    const policyFile = stringOption(values, 'policy');
    const policy = policyFile ? readPolicy(policyFile) : readMachinePolicy();
    const inbox = stringOption(values, 'inbox');
    const url = stringOption(values, 'url');
    if (!inbox && !url) throw new CliError('Give --inbox DIR, --url URL, or both. Usage: lantern watch --help', EXIT.USAGE);
    if (url && !/^https:\/\/[^/]/i.test(url)) throw new CliError(`--url "${url}" is not an https:// URL.`, EXIT.USAGE);
    const proxySetting = stringOption(values, 'proxy');
    if (proxySetting && proxySetting !== 'direct' && !/^https?:\/\/[^/]/i.test(proxySetting)) throw new CliError(`--proxy "${proxySetting}" is not a proxy URL (http://host:port) or "direct".`, EXIT.USAGE);
    const say = (line: string) => io.out(`${new Date().toISOString()} ${line}`);
    const caFile = stringOption(values, 'ca');
    const caBundle = caFile ? readText(caFile, 'the CA bundle') : null;
    const interval = intOption(values, 'interval', HTTPS_POLL_SECONDS, 10, 24 * 60 * 60);

    const lock = acquireSyncLock(homeDir, { agent: 'lantern watch' });
    const audit = tryOpenAuditLog(homeDir, { timer: true });
    const recorder = audit ? { audit } : {};
    let inboxAgent: InboxAgent | null = null;
    let httpsAgent: HttpsAgent | null = null;
    if (inbox) {
      inboxAgent = startInboxAgent({ model: chartModel, homeDir, inbox: path.resolve(inbox), usePolling: values['poll'] === true, log: say, ...recorder });
      await inboxAgent.ready;
    }
    if (url) {
      httpsAgent = startHttpsAgent({
        model: chartModel,
        homeDir,
        url,
        caBundle,
        intervalMs: interval * 1000,
        proxy: proxyFromSetting(proxySetting, environmentProxy(process.env)),
        log: say,
        ...recorder,
      });
    }
    const agents = agentGroup([inboxAgent, httpsAgent].filter((a) => a !== null));
    const heartbeat = policy.heartbeat
      ? startHeartbeat({
          homeDir,
          config: policy.heartbeat,
          appVersion: version,
          staleAfterMinutes: policy.staleAfterMinutes,
          localFailure: () => inboxAgent?.lastFailure() ?? null,
          sync: () => agents.status(),
          ...(audit ? { auditBacklog: () => audit.backlog() } : {}),
          log: say,
        })
      : null;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    heartbeat?.close();
    await agents.close();
    audit?.close();
    lock.release();
    io.out('stopped');
    return 0;
  },
});
