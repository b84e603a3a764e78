// `npx tsx test/support/serve-generated.ts [--stale] [--expired] [--empty]`: the renderer on a
// generated hospital with the safety specs' planted cases (allergies, held and refused doses, an
// abnormal lab, hostile note and protocol HTML), published, ingested and opened as a
// workstation does, for development. Prints the URL to open; the home is removed on exit.
import { parseArgs } from 'node:util';
import { ensureRendererBuilt } from '../../scripts/build/build';
import { startPreviewServer } from '../../scripts/preview/server';
import { plantedHome } from '../e2e/support/planted';

const { values } = parseArgs({ options: { stale: { type: 'boolean' }, expired: { type: 'boolean' }, empty: { type: 'boolean' } } });
await ensureRendererBuilt((line) => console.error(line));
const home = await plantedHome({
  beds: 16,
  units: 2,
  demo: true,
  // Stale: five hours old. Expired: ingested while valid, three days before it expired.
  ...(values.stale ? { ageMinutes: 5 * 60 } : {}),
  ...(values.expired ? { ageMinutes: 80 * 60, expiresAfterHours: 72, ingestedAfterMinutes: 3 } : {}),
  ...(values.empty ? { snapshots: 0 } : {}),
});
const server = await startPreviewServer({ context: home.context, homeDir: home.dir });
console.log(`Preview on a generated hospital: ${server.url}`);
const stop = () =>
  void server.close().then(() => {
    home.close();
    process.exit(0);
  });
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
