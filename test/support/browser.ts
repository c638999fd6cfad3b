// The headless Chromium the browser tests drive through playwright-core: Debian's /usr/bin/chromium
// when the machine has it, else the Chromium that the @sparticuz/chromium devDependency ships in its
// npm tarball (one brotli-compressed binary), unpacked once into node_modules/.cache. So `npm install`
// is all the set-up the browser tests need (Playwright's own browser download is not used).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, used first when it is there. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * The flags every browser test starts Chromium with: no sandbox (the tests run as root), no GPU, and
 * nothing that reaches out to the network (the machine's network is closed, and a refused connection
 * at every start only slows the start down). Playwright gives each launch a fresh, empty profile
 * (--user-data-dir in a new temporary folder) of its own.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumLaunch {
  /** The Chromium binary to start. */
  executablePath: string;
  /** The command-line flags to start it with (CHROMIUM_ARGS). */
  args: string[];
  /** Where the binary comes from: Debian's package or the npm package. */
  source: 'system' | 'npm';
}

const root = join(__dirname, '..', '..');
const PACKAGE = '@sparticuz/chromium';

/** The folder of the installed @sparticuz/chromium package (its entry point lies below it). */
function packageDir(): string {
  let dir = dirname(createRequire(join(root, 'package.json')).resolve(PACKAGE));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== PACKAGE) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE} is installed, but its package.json was not found`);
    dir = parent;
  }
  return dir;
}

/**
 * The npm package's Chromium, unpacked on first use into node_modules/.cache/rx-lro/ under the
 * package's version. Test files run in parallel processes: each unpacks into a file of its own and
 * renames it into place, so a binary at the final path is always whole, whoever wrote it.
 */
async function unpackedChromium(): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `${PACKAGE} ships Chromium for Linux x64 only; on ${process.platform}-${process.arch}, install Chromium at ${SYSTEM_CHROMIUM}`,
    );
  }
  const dir = packageDir();
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const target = join(root, 'node_modules', '.cache', 'rx-lro', `chromium-${version}`, 'chromium');
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await pipeline(
      createReadStream(join(dir, 'bin', 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(partial, { mode: 0o755 }),
    );
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return target;
}

/** The Chromium to drive and its flags: /usr/bin/chromium if present, else the npm package's. */
export async function findChromium(): Promise<ChromiumLaunch> {
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: [...CHROMIUM_ARGS], source: 'system' };
  return { executablePath: await unpackedChromium(), args: [...CHROMIUM_ARGS], source: 'npm' };
}

/** Headless Chromium through playwright-core, found by findChromium. */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, args } = await findChromium();
  return chromium.launch({ executablePath, args, headless: true });
}
