// npm run policy:generate: write the policy template, docs/POLICY.md and the ADMX/ADML from the
// schema (electron/core/home/policy.ts). test/unit/policy-generate.test.ts fails while they differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Policy } from '../../electron/core/home/policy';
import { policyFiles } from './templates';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
for (const [file, text] of Object.entries(policyFiles(Policy))) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
  console.log(`wrote ${file}`);
}
