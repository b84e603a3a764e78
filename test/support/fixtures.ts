import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared Synthea export (ten synthetic patients), beside the repo; CI always has it. */
export const SYNTHEA_DIR = path.resolve(REPO_ROOT, '../shared/fixtures/fhir-synthea-10');
export const HAS_SYNTHEA = existsSync(path.join(SYNTHEA_DIR, 'Patient.ndjson'));

if (!HAS_SYNTHEA) {
  console.warn(
    `SKIPPING Synthea fixture tests: ${SYNTHEA_DIR} is absent (a clone outside the project workspace). ` +
      'Everything else is tested on generated data.',
  );
}
