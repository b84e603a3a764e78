#!/usr/bin/env node
// The `lantern` command: runs the CLI from its bundle when `npm run build` made one that is
// up to date, else the TypeScript source through tsx, so it also works straight after
// `npm install` with no build step (scripts/build/cli-bundle.mjs).
import { writeFileSync } from 'node:fs';
import { loadCli } from './build/cli-bundle.mjs';

// `lantern bench` runs phases as child commands and reads their peak memory from here.
const usageReport = process.env['LANTERN_USAGE_REPORT'];
if (usageReport) {
  process.on('exit', () => writeFileSync(usageReport, JSON.stringify(process.resourceUsage())));
}

// `lantern census … | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const { cli } = await loadCli();
process.exitCode = await cli.main(process.argv.slice(2));
