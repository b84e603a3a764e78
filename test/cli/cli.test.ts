import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, defineCommand, parseCommandArgs } from '../../scripts/cli/command';
import { COMMANDS } from '../../scripts/cli/main';
import { REPO_ROOT } from '../support/fixtures';
import { runCli as run } from '../support/cli';


const CONTRACT = [
  'generate',
  'pki init',
  'pull',
  'publish',
  'publisher',
  'inspect',
  'enroll',
  'ingest',
  'watch',
  'status',
  'reset-sequence',
  'rollback',
  'search',
  'census',
  'chart',
  'bench',
  'fleet report',
  'fleet receive',
  'audit verify',
  'audit export',
  'audit prune',
  'policy check',
  'roster build',
  'roster install',
  'roster seed',
  'roster codes',
  'roster verifier',
  'roster measure',
];

describe('lantern CLI surface', () => {
  it('has exactly the documented commands', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(CONTRACT);
  });

  it.each(CONTRACT)('lantern %s --help prints its usage and exits 0', async (name) => {
    const result = await run([...name.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^Usage: lantern ${name}`));
  });

  it('lists the commands with --help, and exits 2 with the list when given nothing', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const name of CONTRACT) expect(help.out).toContain(`  ${name}`);
    expect((await run([])).code).toBe(2);
  });

  it('refuses unknown commands, unknown options, missing options and stray arguments with exit 2 and one line', async () => {
    for (const argv of [['frobnicate'], ['status', '--hom', 'x'], ['status'], ['ingest', '--home', 'h'], ['census', 'extra', '--home', 'h']]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err.split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('runs as a program through its bin entry', () => {
    const bin = path.join(REPO_ROOT, 'scripts/lantern.mjs');
    const result = spawnSync(process.execPath, [bin, 'inspect', '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: lantern inspect FILE --trust FILE');
    const bad = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('lantern: unknown command "nope". Run lantern --help for the list.');
  });
});

describe('option values that start with a dash', () => {
  const command = defineCommand({
    name: 'probe',
    summary: 'probe',
    usage: 'lantern probe --kid KID [--json]',
    options: { kid: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' } },
    positionals: 0,
    run: async () => 0,
  });
  const parse = (argv: string[]) => {
    const parsed = parseCommandArgs(command, argv);
    return parsed.help ? 'help' : parsed.values;
  };

  it('are taken as the value of a string option (a JWK thumbprint such as "-Xy_1")', () => {
    expect(parse(['--kid', '-Xy_1', '--json'])).toMatchObject({ kid: '-Xy_1', json: true });
    expect(parse(['--kid', '--Xy', '-o', 'dir'])).toMatchObject({ kid: '--Xy', out: 'dir' });
  });

  it('are still read as an option when they name one, so a forgotten value is a usage error', () => {
    expect(() => parse(['--kid', '--json'])).toThrow(CliError);
    expect(() => parse(['--kid', '-o', 'dir'])).toThrow(CliError);
  });
});
