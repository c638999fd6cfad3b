#!/usr/bin/env node
// Launcher for the rx-lro simulator; all the logic (and its tests) live in src/testing/cli.ts.
import { runSimulatorCli } from '../dist/testing.js';

const { exitCode } = await runSimulatorCli(process.argv.slice(2));
if (exitCode !== 0) process.exitCode = exitCode;
