// `npx tsx test/support/serve-fake.ts [--stale] [--expired] [--empty]`: the built renderer on the
// fake hospital, for development. Build first (`npm run build`); prints the URL to open.
import { createFakeContext } from './fake-context';
import { startPreviewServer } from '../../scripts/preview/server';

const args = new Set(process.argv.slice(2));
const now = Date.now();
const context = createFakeContext({
  asOf: args.has('--stale') ? new Date(now - 5 * 3_600_000) : args.has('--expired') ? new Date(now - 80 * 3_600_000) : undefined,
  withSnapshot: !args.has('--empty'),
});
const server = await startPreviewServer({ context });
console.log(`Preview on the fake hospital: ${server.url}`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
