// Every TypeScript block of the README compiles against the package's own types (test/docs/snippets.ts).
// Names a snippet leaves to its reader (`url`, `store`, `authorize`…) are declared for it; anything it
// imports from rx-lro, rxjs or io-ts must exist and be used correctly, and it imports what it uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, compileSnippets } from './snippets';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README code blocks', () => {
  it(`all ${blocks.length} TypeScript blocks compile`, () => {
    expect(blocks.length).toBeGreaterThan(5);
    const report = compileSnippets(
      join(ROOT, 'test-results', 'readme-snippets'),
      blocks.map((code, i) => ({ name: `snippet-${i + 1}`, code })),
      {
        // Modules the README shows that the project does not install: their real signatures, as used there.
        'stubs.d.ts': [
          "declare module '@azure/identity' {",
          '  export class DefaultAzureCredential {',
          '    getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number }>;',
          '  }',
          '}',
        ].join('\n'),
        // The action creators the Redux snippet imports, as a Redux Toolkit slice defines them.
        'operations-slice.ts': [
          "import { createAction } from '@reduxjs/toolkit';",
          "import type { OperationRequest, OperationSnapshot } from 'rx-lro';",
          "export const operationStarted = createAction<{ key: string; request: OperationRequest }>('operations/started');",
          "export const operationCanceled = createAction<string>('operations/canceled');",
          "export const snapshotReceived = createAction<OperationSnapshot>('operations/snapshot');",
          "export const trackingFailed = createAction<{ key: string; error: { name: string; message: string } }>('operations/failed');",
        ].join('\n'),
      },
    );
    expect(report).toEqual([]);
  }, 60_000);
});
