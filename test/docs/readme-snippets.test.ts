// Every TypeScript block of the README compiles against the package's own types. Names a snippet
// leaves to its reader (`url`, `store`, `authorize`…) are declared for it; anything imported from
// rx-lro, rxjs or io-ts must exist and be used correctly.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = join(root, 'test-results', 'readme-snippets');

// The public names of the package: what its entry points export (`export { a, b as c }`,
// `export function d`, …), never what they merely import.
const EXPORTED = new Set(
  ['index.ts', 'registry/index.ts', 'testing/index.ts', 'node/index.ts'].flatMap((entry) => {
    const source = readFileSync(join(root, 'src', entry), 'utf8');
    const listed = [...source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) =>
      m[1]!.split(',').map((item) =>
        item
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop()!
          .trim(),
      ),
    );
    const declared = [...source.matchAll(/export\s+(?:async\s+)?(?:function|const|class|interface|type)\s+([A-Za-z_$][\w$]*)/g)].map(
      (m) => m[1]!,
    );
    return [...listed, ...declared].filter(Boolean);
  }),
);

/** Edit distance, to tell a placeholder (`deploymentUrl`) from a misspelt API (`finalResults`). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

// The names a snippet may leave undeclared: placeholders for the reader's own values, never an API.: placeholders for the reader's own values, never an API.
function freeNames(diagnostics: readonly ts.Diagnostic[], file: string): string[] {
  return (
    diagnostics
      .filter((d) => d.file?.fileName === file && (d.code === 2304 || d.code === 2552 || d.code === 18004))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      // A name the package exports is never a placeholder (using it without importing it is an error),
      // nor is a near miss of one ("Did you mean 'finalResult'?"): that is a misspelling.
      .filter((message) => !EXPORTED.has(/Did you mean '([^']+)'/.exec(message)?.[1] ?? ''))
      .map((message) => /'([^']+)'/.exec(message)![1]!)
      .filter((name) => ![...EXPORTED].some((api) => distance(name, api) <= Math.min(2, Math.floor(name.length / 4))))
  );
}

function compile(files: string[]): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  // Fragments hand callbacks to placeholders typed `any`: their parameters may be implicitly `any`.
  const program = ts.createProgram([...files, join(dir, 'stubs.d.ts')], {
    ...config.options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noImplicitAny: false,
  });
  return ts.getPreEmitDiagnostics(program);
}

describe('README code blocks', () => {
  it(`all ${blocks.length} TypeScript blocks compile`, () => {
    expect(blocks.length).toBeGreaterThan(5);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Modules the README shows that the project does not install: their real signatures, as used there.
    writeFileSync(
      join(dir, 'stubs.d.ts'),
      [
        "declare module '@azure/identity' {",
        '  export class DefaultAzureCredential {',
        '    getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number }>;',
        '  }',
        '}',
      ].join('\n'),
    );
    // The action creators the Redux snippet imports, as a Redux Toolkit slice defines them.
    writeFileSync(
      join(dir, 'operations-slice.ts'),
      [
        "import { createAction } from '@reduxjs/toolkit';",
        "import type { OperationRequest, OperationSnapshot } from 'rx-lro';",
        "export const operationStarted = createAction<{ key: string; request: OperationRequest }>('operations/started');",
        "export const operationCanceled = createAction<string>('operations/canceled');",
        "export const snapshotReceived = createAction<{ key: string; snapshot: OperationSnapshot }>('operations/snapshot');",
        "export const trackingFailed = createAction<{ key: string; error: { name: string; message: string } }>('operations/failed');",
      ].join('\n'),
    );
    const files = blocks.map((_, i) => join(dir, `snippet-${i + 1}.ts`));
    const declared = blocks.map(() => new Set<string>());
    const write = (): void =>
      files.forEach((file, i) => {
        const preamble = [...declared[i]!].map((name) => `declare const ${name}: any;`).join('\n');
        writeFileSync(file, `${preamble}\n${blocks[i]}\nexport {};\n`);
      });
    let diagnostics: readonly ts.Diagnostic[] = [];
    for (let round = 0; round < 4; round++) {
      write();
      diagnostics = compile(files);
      let added = 0;
      files.forEach((file, i) => {
        for (const name of freeNames(diagnostics, file)) {
          if (!declared[i]!.has(name)) {
            declared[i]!.add(name);
            added += 1;
          }
        }
      });
      if (added === 0) break;
    }
    const ours = diagnostics.filter((d) => d.file && files.includes(d.file.fileName));
    const report = ours.map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName.split('/').pop()}:${line} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(report).toEqual([]);
  }, 60_000);
});
