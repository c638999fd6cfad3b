import { runDemo } from './demo';
import { runWatch, type WatchIo } from './watch';

export { runDemo, DEMO_OPERATIONS, type DemoOptions } from './demo';
export { runWatch, WATCH_USAGE, type WatchIo } from './watch';

export const CLI_HELP = `Usage: rx-lro <command>

Commands:
  watch   track an Azure long-running operation from the terminal (rx-lro watch --help)
  demo    six operations tracked live against the embedded simulator`;

/** The `rx-lro` command: dispatches to a subcommand and resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: WatchIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'watch':
      return runWatch(rest, io);
    case 'demo':
      return runDemo(io.stdout);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(`${CLI_HELP}\n`);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`rx-lro: unknown command ${JSON.stringify(command)}\n\n${CLI_HELP}\n`);
      return 2;
  }
}
