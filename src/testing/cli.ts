import { QUERY_HELP } from './query';
import { startSimulator } from './server';
import type { Simulator } from './types';

/**
 * Where the CLI writes, and whether it owns the process signals (tests say no).
 * @example
 * ```ts
 * const lines: string[] = [];
 * await runSimulatorCli(['--port', '0'], { stdout: (text) => void lines.push(text) });
 * ```
 */
export interface CliIo {
  /** [`process.stdout.write`] */
  stdout?: (text: string) => void;
  /** [`process.stderr.write`] */
  stderr?: (text: string) => void;
  /** [`true`] Close the simulator on SIGINT/SIGTERM. */
  handleSignals?: boolean;
}

/**
 * The outcome of {@link runSimulatorCli}: a running simulator, or an exit code (help, bad arguments).
 * @example
 * ```ts
 * const run: CliRun = await runSimulatorCli(['--port', '0']);
 * await run.simulator?.close();
 * ```
 */
export interface CliRun {
  /** `0` after `--help` or a successful start; `2` on bad arguments; `1` if the port could not be opened. */
  exitCode: number;
  simulator?: Simulator;
}

/**
 * The `rx-lro-simulator --help` text.
 * @example
 * ```ts
 * console.log(CLI_USAGE);
 * ```
 */
export const CLI_USAGE = `Usage: rx-lro-simulator [--port 8080] [--host 127.0.0.1] [--other-origin-port 0]

Starts the rx-lro Azure long-running-operation simulator on loopback. Send PUT, PATCH, POST or DELETE to any
path (e.g. /subscriptions/sub1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/start?api-version=2016-03-30)
to start an operation; the answer carries the polling header (Azure-AsyncOperation by default) and the
simulator plays it out in real time; the sim-* query parameters below choose the pattern, duration,
outcome, Retry-After form and faults. GET / lists them. A second listener (another origin) serves the
same operations for the other-origin fault. CORS is open, so browser pages can use it. Ctrl-C stops it.

Query parameters (initial request):
${QUERY_HELP}
`;

interface CliArgs {
  help: boolean;
  port: number;
  host: string;
  otherOriginPort: number;
}

function parsePort(flag: string, text: string | undefined): number {
  const port = Number(text);
  if (text === undefined || text === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`${flag} needs a port number 0–65535, got ${JSON.stringify(text ?? '')}`);
  }
  return port;
}

/** Parses the command line; throws a `TypeError` with a message fit for the terminal. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { help: false, port: 8080, host: '127.0.0.1', otherOriginPort: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--port':
      case '-p':
        args.port = parsePort(flag, value());
        break;
      case '--other-origin-port':
        args.otherOriginPort = parsePort(flag, value());
        break;
      case '--host': {
        const host = value();
        if (host === undefined || host === '') throw new TypeError('--host needs a value');
        args.host = host;
        break;
      }
      default:
        throw new TypeError(`unknown argument ${JSON.stringify(arg)} (try --help)`);
    }
  }
  return args;
}

/**
 * Runs `rx-lro-simulator` with these arguments (without `node` and the script path).
 * @example
 * ```ts
 * const { exitCode, simulator } = await runSimulatorCli(['--port', '8080']);
 * ```
 */
export async function runSimulatorCli(argv: readonly string[], io: CliIo = {}): Promise<CliRun> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    stderr(`rx-lro-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    return { exitCode: 2 };
  }
  if (args.help) {
    stdout(CLI_USAGE);
    return { exitCode: 0 };
  }
  let simulator: Simulator;
  try {
    simulator = await startSimulator({ port: args.port, host: args.host, otherOriginPort: args.otherOriginPort });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    stderr(`rx-lro-simulator: cannot start: ${message}\n`);
    return { exitCode: error instanceof TypeError ? 2 : 1 };
  }
  stdout(`rx-lro simulator listening on ${simulator.url} (other origin: ${simulator.otherOriginUrl}); --help for usage\n`);
  if (io.handleSignals ?? true) {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      stdout('rx-lro simulator: shutting down\n');
      void simulator.close();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
  return { exitCode: 0, simulator };
}
