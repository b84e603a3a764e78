import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePolicyFile, Policy } from '../../../electron/core/home/policy';
import { policyProblems } from '../../../electron/core/home/policy-fields';
import { CliError, defineCommand, EXIT } from '../command';

export default defineCommand({
  name: 'policy check',
  usage: 'lantern policy check FILE [--json]',
  summary: 'Check a managed policy file before deploying it: every wrong key, one sentence each.',
  details: [
    'Reads FILE as the app reads its policy (JSON, comments allowed) and names every key that is',
    'wrong: an unknown key with the key it most likely meant, a wrong value with what it must be.',
    'Exits 0 when the policy is valid, 1 when any key is wrong. --json prints',
    '{ file, valid, problems: [{ key, message }] }. Every key: docs/POLICY.md.',
  ].join('\n'),
  positionals: 1,
  options: { json: { type: 'boolean' } },
  run: async ({ values, positionals }, io) => {
    const file = path.resolve(positionals[0]!);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new CliError(`The policy file ${file} could not be read.`);
    }
    const problems = policyProblems(Policy, parsePolicyFile(file, text));
    if (values['json'] === true) {
      io.out(JSON.stringify({ file, valid: problems.length === 0, problems }));
    } else if (problems.length === 0) {
      io.out(`${file}: a valid Lantern policy.`);
    } else {
      io.out(`${file}: ${problems.length} wrong key${problems.length === 1 ? '' : 's'}.`);
      for (const problem of problems) io.out(`  ${problem.message}`);
    }
    return problems.length === 0 ? EXIT.OK : EXIT.FAILED;
  },
});
