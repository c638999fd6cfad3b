#!/usr/bin/env node
// Launcher for the rx-lro command (watch, demo); the logic and its tests live in src/cli/.
import { runCli } from '../dist/cli.js';

// A reader that stopped reading (`rx-lro demo | head -1`) is no error of ours: stop quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
