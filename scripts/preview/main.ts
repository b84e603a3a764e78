// `npm run preview -- [--home DIR] [--port N]`: the app in a browser, for development and tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDemoHome } from '../../electron/core/demo/home';
import { tryOpenAuditLog } from '../../electron/core/home/audit';
import { auditActorOf } from '../../electron/core/home/sign-in';
import { keyFileProtector } from '../../electron/core/home/key-file-protector';
import { openWorkstation } from '../../electron/core/workstation';
import { ensureRendererBuilt, ROOT } from '../build/build';
import { useSourceIngestWorker } from '../ingest-worker';
import { startPreviewServer } from './server';
import { chartModel } from '../../electron/core/chart';

const USAGE = 'Usage: npm run preview -- [--home DIR] [--port N]';

async function run(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { home: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(`${USAGE}\n\nServes the built renderer and its API on 127.0.0.1 only (a development and test tool).`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number. ${USAGE}`);
    process.exit(2);
  }
  // Progress goes to stderr: stdout carries only the one Preview line scripts read.
  await ensureRendererBuilt((line) => console.error(line));
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const homeDir = values.home ? path.resolve(values.home) : path.join(ROOT, '.lantern-demo', 'home');
  if (!values.home) {
    useSourceIngestWorker();
    // The demo hospital (synthetic data): built, or refreshed, through the real snapshot path.
    const built = await ensureDemoHome(homeDir, { protector: keyFileProtector(homeDir, { create: true }), roster: true });
    if (built.built) console.error(`Demo hospital published and ingested into ${homeDir} (sequence ${built.sequence}).`);
  }
  // The audit names whoever is signed in at the moment of each entry.
  const signedIn: { by?: ReturnType<typeof openWorkstation>['signIn'] } = {};
  const audit = tryOpenAuditLog(homeDir, { timer: true, actor: () => auditActorOf(signedIn.by?.current() ?? null) });
  const context = openWorkstation({ model: chartModel, shell: 'preview', version, homeDir, demo: !values.home, ...(audit ? { audit } : {}) });
  signedIn.by = context.signIn;
  const server = await startPreviewServer({ context, port, homeDir });
  console.log(`Preview: ${server.url}`);
  const stop = () =>
    void server.close().then(() => {
      audit?.close();
      process.exit(0);
    });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await run();
