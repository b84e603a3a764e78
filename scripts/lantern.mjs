#!/usr/bin/env node
// The `lantern` command: runs the TypeScript CLI through tsx, so it works straight after
// `npm install` with no build step.
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

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

register();
const { main } = await import('./cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
