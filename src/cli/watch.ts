import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Observable } from 'rxjs';
import {
  isLroError,
  resumeOperation,
  trackOperation,
  type AuthorizeHook,
  type LroMethod,
  type OperationSnapshot,
  type PollOptions,
} from 'rx-lro';
import { formatDuration, outcomeText, progressBar, type Output } from './progress';

/** What `rx-lro watch` reads and writes; tests pass their own. */
export interface WatchIo {
  stdout: Output;
  stderr: Output;
  env?: Record<string, string | undefined>;
  /** Runs `az account get-access-token` and resolves to the token. Default: the real `az`. */
  azToken?: (resource: string | undefined) => Promise<string>;
}

export const WATCH_USAGE = `Usage: rx-lro watch <polling-url> [options]
       rx-lro watch --method <PUT|PATCH|POST|DELETE|GET> --url <url> [--body <json>|@<file>] [options]

Tracks an Azure long-running operation until it ends: give the URL of its Azure-AsyncOperation or
Operation-Location header (or, with --location, its Location header), or start one with --method/--url.

Options:
  --location             the polling URL is a Location URL (202 until done, then the result)
  --method, --url        start the operation (PUT, PATCH, POST, DELETE, GET) and track it
  --body <json|@file>    the request body, as JSON text or @path/to/file.json
  --token <token>        bearer token (else --az, else the AZURE_TOKEN environment variable)
  --az                   get a token from the Azure CLI: az account get-access-token
  --az-resource <uri>    the resource of that token (default: the Azure CLI's, management.azure.com)
  --json                 print the final snapshot as JSON on stdout
  --interval <ms>        wait between polls when the service sends no Retry-After (default: 1 s doubling to 30 s)
  --timeout <seconds>    give up after this long (exit code 2)
  --allow-origin <url>   also follow polling URLs on this origin (repeatable)
  -h, --help             this help

Exit codes: 0 succeeded, 1 failed or canceled, 2 error (bad arguments, HTTP, network, protocol, timeout).
The token is sent only to the operation's own origin and to --allow-origin origins.`;

interface WatchArgs {
  pollUrl?: string;
  location: boolean;
  method?: LroMethod;
  url?: string;
  body?: string;
  token?: string;
  az: boolean;
  azResource?: string;
  json: boolean;
  intervalMs?: number;
  timeoutMs?: number;
  allowOrigins: string[];
  help: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): WatchArgs {
  const args: WatchArgs = { location: false, az: false, json: false, allowOrigins: [], help: false };
  const value = (i: number, flag: string): string => {
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  const positive = (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got ${JSON.stringify(text)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--location':
        args.location = true;
        break;
      case '--az':
        args.az = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--method': {
        const method = value(i++, arg).toUpperCase();
        if (!['PUT', 'PATCH', 'POST', 'DELETE', 'GET'].includes(method))
          throw new UsageError(`--method must be PUT, PATCH, POST, DELETE or GET, got ${JSON.stringify(method)}`);
        args.method = method as LroMethod;
        break;
      }
      case '--url':
        args.url = value(i++, arg);
        break;
      case '--body':
        args.body = value(i++, arg);
        break;
      case '--token':
        args.token = value(i++, arg);
        break;
      case '--az-resource':
        args.azResource = value(i++, arg);
        break;
      case '--interval':
        args.intervalMs = positive(value(i++, arg), arg);
        break;
      case '--timeout':
        args.timeoutMs = positive(value(i++, arg), arg) * 1000;
        break;
      case '--allow-origin':
        args.allowOrigins.push(value(i++, arg));
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (args.pollUrl !== undefined) throw new UsageError(`one polling URL only, got a second: ${arg}`);
        args.pollUrl = arg;
    }
  }
  if (args.help) return args;
  if ((args.method === undefined) !== (args.url === undefined)) throw new UsageError('--method and --url go together');
  if (args.method !== undefined && args.pollUrl !== undefined) throw new UsageError('give a polling URL or --method/--url, not both');
  if (args.method === undefined && args.pollUrl === undefined) throw new UsageError('give a polling URL, or --method and --url');
  if (args.body !== undefined && args.method === undefined) throw new UsageError('--body goes with --method/--url');
  if (args.location && args.pollUrl === undefined) throw new UsageError('--location describes a polling URL');
  for (const [name, url] of [
    ['the polling URL', args.pollUrl],
    ['--url', args.url],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/\S+$/i.test(url))
      throw new UsageError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  return args;
}

function defaultAzToken(resource: string | undefined): Promise<string> {
  const argv = ['account', 'get-access-token', '--query', 'accessToken', '--output', 'tsv'];
  if (resource) argv.push('--resource', resource);
  return new Promise((resolve, reject) =>
    execFile('az', argv, { timeout: 60_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(
          new Error('--az needs the Azure CLI, and `az` is not on PATH: install it and run `az login`, or give --token or AZURE_TOKEN'),
        );
      } else if (error) reject(new Error(`az account get-access-token failed: ${(stderr || error.message).trim()}`));
      else resolve(stdout.trim());
    }),
  );
}

// An az token lives about an hour; it is fetched again after 30 minutes so long operations outlive it.
function azAuthorize(get: () => Promise<string>): AuthorizeHook {
  let cached: { token: Promise<string>; at: number } | undefined;
  return async () => {
    if (!cached || Date.now() - cached.at > 30 * 60_000) cached = { token: get(), at: Date.now() };
    return { authorization: `Bearer ${await cached.token}` };
  };
}

// The error as plain data for --json: an rx-lro error's own toJSON (no secret in it), else its name and message.
function errorData(error: unknown): Record<string, unknown> {
  if (isLroError(error)) return error.toJSON();
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: 'the operation did not end' };
}

// What to try next, where the cause is knowable from the error and the arguments.
function hintFor(error: unknown, args: WatchArgs, authorized: boolean): string | undefined {
  if (isLroError(error, 'protocol') && error.rule === 'R9' && args.pollUrl !== undefined && !args.location) {
    return 'the URL answered without a status monitor\'s "status": if it came from a Location header, add --location';
  }
  if (isLroError(error, 'timeout') && error.resumeToken) {
    return 'the operation goes on in Azure: watch its polling URL again later (with --json, the last snapshot holds it)';
  }
  if (isLroError(error, 'http') && (error.status === 401 || error.status === 403) && !authorized) {
    return 'the service refused the request: give a token with --az, --token or AZURE_TOKEN';
  }
  return undefined;
}

/** The tracker options of the command line: origins, interval, deadline and credentials. */
function watchOptions(args: WatchArgs, io: WatchIo): PollOptions {
  const options: PollOptions = { allowedOrigins: args.allowOrigins };
  if (args.intervalMs !== undefined) options.delay = args.intervalMs;
  if (args.timeoutMs !== undefined) options.timeoutMs = args.timeoutMs;
  const envToken = io.env?.['AZURE_TOKEN'];
  if (args.token !== undefined) options.authorize = () => ({ authorization: `Bearer ${args.token}` });
  else if (args.az) options.authorize = azAuthorize(() => (io.azToken ?? defaultAzToken)(args.azResource));
  else if (envToken) options.authorize = () => ({ authorization: `Bearer ${envToken}` });
  return options;
}

/** The tracker the command line asks for: a request to send, or a polling URL to follow. Bad input throws. */
async function watchTracker(args: WatchArgs, options: PollOptions): Promise<Observable<OperationSnapshot>> {
  if (args.method !== undefined) {
    let body: unknown;
    if (args.body !== undefined) {
      const text = args.body.startsWith('@') ? await readFile(args.body.slice(1), 'utf8') : args.body;
      try {
        body = JSON.parse(text);
      } catch {
        throw new UsageError(`--body is not JSON: ${text.slice(0, 80)}`);
      }
    }
    return trackOperation({ method: args.method, url: args.url!, body }, options);
  }
  // A polling URL alone is tracked like a resumed operation: polled at once, no request repeated.
  const url = args.pollUrl!;
  return resumeOperation({ v: 1, method: 'POST', url, mode: args.location ? 'location' : 'status', pollUrl: url }, options);
}

/**
 * `rx-lro watch`: tracks one operation from the terminal, with a live progress bar on a TTY (plain
 * lines otherwise), and resolves to the exit code: 0 succeeded, 1 failed or canceled, 2 error.
 */
export async function runWatch(argv: readonly string[], io: WatchIo): Promise<number> {
  let args: WatchArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`rx-lro watch: ${error.message}\n\n${WATCH_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(`${WATCH_USAGE}\n`);
    return 0;
  }
  const options = watchOptions(args, io);
  let snapshots$: Observable<OperationSnapshot>;
  try {
    snapshots$ = await watchTracker(args, options);
  } catch (error) {
    io.stderr.write(`rx-lro watch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  const live = io.stderr.isTTY === true;
  const started = Date.now();
  let last: OperationSnapshot | undefined;
  const line = (s: OperationSnapshot): string => {
    const elapsed = Date.now() - started;
    const fraction = s.state === 'succeeded' ? 1 : s.percentComplete === undefined ? undefined : s.percentComplete / 100;
    const percent = s.percentComplete === undefined ? '' : ` ${Math.round(s.percentComplete)}%`;
    return `${progressBar(fraction, 24, elapsed)}${percent} ${s.status} · polls ${s.polls} · ${formatDuration(elapsed)}`;
  };
  const ticker = live ? setInterval(() => last && !last.done && io.stderr.write(`\r\x1b[2K${line(last)}`), 120) : undefined;
  const outcome = await new Promise<{ snapshot?: OperationSnapshot; error?: unknown }>((resolve) =>
    snapshots$.subscribe({
      next: (s) => {
        const changed = !last || last.status !== s.status || last.percentComplete !== s.percentComplete || s.done;
        last = s;
        if (live) io.stderr.write(`\r\x1b[2K${line(s)}`);
        else if (changed) io.stderr.write(`${line(s)}\n`);
      },
      error: (error: unknown) => resolve({ error }),
      complete: () => resolve(last ? { snapshot: last } : {}),
    }),
  );
  if (ticker) clearInterval(ticker);
  if (live) io.stderr.write('\n');
  if (outcome.error !== undefined || !outcome.snapshot) {
    const error = outcome.error;
    const said = error instanceof Error ? `${error.name}: ${error.message}` : 'Error: the operation did not end';
    io.stderr.write(`rx-lro watch: ${said}\n`);
    const hint = hintFor(error, args, options.authorize !== undefined);
    if (hint) io.stderr.write(`rx-lro watch: hint: ${hint}\n`);
    // --json always writes one JSON document: the last snapshot, or the error as data.
    if (args.json) io.stdout.write(`${JSON.stringify({ error: errorData(error), ...(last ? { lastSnapshot: last } : {}) }, null, 2)}\n`);
    return 2;
  }
  const snapshot = outcome.snapshot;
  io.stderr.write(`${snapshot.state}: ${snapshot.status}${outcomeText(snapshot) ? ` — ${outcomeText(snapshot)}` : ''}\n`);
  if (args.json) io.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
  return snapshot.state === 'succeeded' ? 0 : 1;
}
