#!/usr/bin/env node
// Launcher for the rx-lro command (watch, demo); the logic and its tests live in src/cli/.
import { runCli } from '../dist/cli.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
