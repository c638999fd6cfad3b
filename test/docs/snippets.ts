// Compiling documentation snippets (README blocks, JSDoc @examples) against the package's own types.
// Names a snippet leaves to its reader (`url`, `store`, `authorize`…) are declared for it as `any`;
// the package's exports it uses are imported for it; anything else it imports (rxjs, io-ts…) must
// exist and be used correctly.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as rxjs from 'rxjs';
import * as rxjsAjax from 'rxjs/ajax';
import * as rxjsFetch from 'rxjs/fetch';
import ts from 'typescript';

export const ROOT = join(__dirname, '..', '..');

/** The package's entry points: the name users import, and the source it maps to. */
export const ENTRIES: Readonly<Record<string, string>> = {
  'rx-lro': 'src/index.ts',
  'rx-lro/testing': 'src/testing/index.ts',
  'rx-lro/registry': 'src/registry/index.ts',
  'rx-lro/global-fetch': 'src/global-fetch.ts',
  'rx-lro/node': 'src/node/index.ts',
  'rx-lro/limiter': 'src/limiter/index.ts',
};

/**
 * The store recipes of the README, in its order: each a whole file, shown word for word under a
 * `<!-- recipe: file -->` line, run by the examples test and, from the packed tarball, by the package test.
 */
export const RECIPES: readonly string[] = [
  'examples/operations-slice.ts',
  'examples/redux-listener.ts',
  'examples/redux-observable.ts',
  'examples/zustand-store.ts',
  'examples/browser/use-operations.ts',
];

// Exported names that are never imported for a snippet: `fetch` is also the global one.
const NOT_IMPORTED = new Set(['default', 'fetch']);

// What a JSDoc example may use from the peer dependencies without importing it, as users have it
// in hand: the functions of rxjs (`of`, `map`, `lastValueFrom`…), `ajax`, `fromFetch`, and io-ts as `t`.
const PEERS: ReadonlyArray<[string, ReadonlySet<string>]> = [
  ['rxjs', new Set(Object.keys(rxjs))],
  ['rxjs/ajax', new Set(Object.keys(rxjsAjax))],
  ['rxjs/fetch', new Set(Object.keys(rxjsFetch))],
];

function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const paths = Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, [join(ROOT, file)]]));
  // Fragments hand callbacks to placeholders typed `any`: their parameters may be implicitly `any`.
  return {
    ...config.options,
    paths: { ...config.options.paths, ...paths },
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noImplicitAny: false,
  };
}

/** A program over the package's entry points, for reading what they export and their JSDoc. */
export function entryProgram(): ts.Program {
  return ts.createProgram(
    Object.values(ENTRIES).map((file) => join(ROOT, file)),
    compilerOptions(),
  );
}

/** Every entry point's exported symbols, aliases resolved to what they name. */
export function exportsOf(program: ts.Program): Array<{ entry: string; name: string; symbol: ts.Symbol }> {
  const checker = program.getTypeChecker();
  return Object.entries(ENTRIES).flatMap(([entry, file]) => {
    const source = program.getSourceFile(join(ROOT, file));
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file} is not a module`);
    return checker.getExportsOfModule(module).map((exported) => ({
      entry,
      name: exported.name,
      symbol: exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported,
    }));
  });
}

/** Each entry point's exported names. */
export function exportedNames(program: ts.Program = entryProgram()): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>(Object.keys(ENTRIES).map((entry) => [entry, new Set<string>()]));
  for (const { entry, name } of exportsOf(program)) names.get(entry)!.add(name);
  return names;
}

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

// The names a snippet may leave undeclared: placeholders for the reader's own values, never an API.
function freeNames(diagnostics: readonly ts.Diagnostic[], file: string, exported: ReadonlySet<string>): string[] {
  return (
    diagnostics
      .filter((d) => d.file?.fileName === file && (d.code === 2304 || d.code === 2552 || d.code === 18004))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      // A name the package exports is never a placeholder (using it without importing it is an error),
      // nor is a near miss of one ("Did you mean 'finalResult'?"): that is a misspelling.
      .filter((message) => !exported.has(/Did you mean '([^']+)'/.exec(message)?.[1] ?? ''))
      .map((message) => /'([^']+)'/.exec(message)![1]!)
      .filter((name) => ![...exported].some((api) => distance(name, api) <= Math.min(2, Math.floor(name.length / 4))))
  );
}

// The identifiers a snippet uses as values or types (not property names), and those it declares or imports itself.
function namesIn(code: string): { used: Set<string>; declared: Set<string> } {
  const source = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true);
  const used = new Set<string>();
  const declared = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) ||
        (ts.isQualifiedName(parent) && parent.right === node);
      if (!isPropertyName) used.add(node.text);
    }
    if ((ts.isVariableDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
      if (ts.isIdentifier(node.name)) declared.add(node.name.text);
    }
    if (ts.isImportSpecifier(node) || ts.isNamespaceImport(node) || ts.isImportClause(node)) {
      if (node.name) declared.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { used, declared };
}

/** The code of each @example of a JSDoc comment: its fenced blocks, or the whole tag when it has none. */
export function examplesOf(comment: string): string[] {
  const lines = comment
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''));
  const examples: string[] = [];
  let current: string[] | undefined;
  let fenced = false;
  const close = (): void => {
    if (!current) return;
    const text = current.join('\n');
    const blocks = [...text.matchAll(/```(?:ts|typescript)?\n([\s\S]*?)```/g)].map((m) => m[1]!);
    examples.push(...(blocks.length > 0 ? blocks : [text.trim()]).filter((code) => code.trim() !== ''));
    current = undefined;
  };
  for (const line of lines) {
    if (line.startsWith('```')) fenced = !fenced;
    const tag = fenced ? undefined : /^@(\w+)\s?(.*)$/.exec(line);
    if (tag) {
      close();
      if (tag[1] === 'example') current = tag[2] ? [tag[2]] : [];
    } else {
      current?.push(line);
    }
  }
  close();
  return examples;
}

/** One snippet to compile: where it comes from (for the report), its code, and the entry it documents. */
export interface Snippet {
  name: string;
  code: string;
  /**
   * The entry point whose export the snippet documents (a JSDoc example): the package's names it uses
   * are imported for it, from there first. Without it (a README block) the snippet imports them itself.
   */
  entry?: string;
}

/**
 * Writes each snippet to its own module under `dir` (with `files`, extra modules the snippets import)
 * and compiles them together; returns one line per diagnostic in a snippet: `name:line message`.
 */
export function compileSnippets(dir: string, snippets: readonly Snippet[], files: Readonly<Record<string, string>> = {}): string[] {
  const byEntry = exportedNames();
  const exported = new Set([...byEntry.values()].flatMap((names) => [...names]));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const extra = Object.keys(files)
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => join(dir, file));

  const paths = snippets.map((_, i) => join(dir, `snippet-${i + 1}.ts`));
  // The package's names each snippet uses without importing them: imported for it.
  const imports = snippets.map(({ code, entry }) => {
    if (entry === undefined) return '';
    const { used, declared } = namesIn(code);
    const from = new Map<string, string[]>();
    for (const name of used) {
      if (declared.has(name) || NOT_IMPORTED.has(name)) continue;
      const order = [entry, 'rx-lro', ...Object.keys(ENTRIES)];
      const module = order.find((e) => byEntry.get(e)?.has(name)) ?? PEERS.find(([, names]) => names.has(name))?.[0];
      if (module) from.set(module, [...(from.get(module) ?? []), name]);
    }
    const lines = [...from].map(([module, names]) => `import { ${names.join(', ')} } from '${module}';`);
    if (used.has('t') && !declared.has('t')) lines.push("import * as t from 'io-ts';");
    return lines.join(' ');
  });
  const placeholders = snippets.map(() => new Set<string>());
  const write = (): void =>
    paths.forEach((path, i) => {
      const declared = [...placeholders[i]!].map((name) => `declare const ${name}: any;`).join('\n');
      // One line of preamble, so a diagnostic's line is the snippet's own line number.
      writeFileSync(path, `${imports[i]} ${declared.replace(/\n/g, ' ')}\n${snippets[i]!.code}\nexport {};\n`.replace(/^ /, ''));
    });
  const options = compilerOptions();
  let diagnostics: readonly ts.Diagnostic[] = [];
  for (let round = 0; round < 4; round++) {
    write();
    diagnostics = ts.getPreEmitDiagnostics(ts.createProgram([...paths, ...extra], options));
    let added = 0;
    paths.forEach((path, i) => {
      for (const name of freeNames(diagnostics, path, exported)) {
        if (!placeholders[i]!.has(name)) {
          placeholders[i]!.add(name);
          added += 1;
        }
      }
    });
    if (added === 0) break;
  }
  return diagnostics
    .filter((d) => d.file && paths.includes(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const snippet = snippets[paths.indexOf(d.file!.fileName)]!;
      return `${snippet.name}:${line} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
