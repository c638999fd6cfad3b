// The two TypeScript steps of the build, as rollup plugins over the typescript package itself:
//
// - transpileTypeScript: each module turned into JavaScript on its own (typescript's
//   transpileModule) with the compiler options of the given tsconfig. The sources are written for
//   isolatedModules, so this is the emit of a full compile, without building a program and
//   type-checking it for every config entry.
// - emitDeclarations: the .d.ts of every source file from ONE program, handed to rollup-plugin-dts
//   (placed before it) to bundle. Given .ts entries, rollup-plugin-dts builds a program per entry
//   folder, six in all; given the .d.ts names of the entries (src/index.d.ts for src/index.ts) it
//   builds none and bundles what this plugin serves.
//
// The types are checked once, by `npm run typecheck` (tsc over sources, tests and examples).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

const TS_FILE = /\.[cm]?tsx?$/;
const DTS_FILE = /\.d\.[cm]?ts$/;

function message(diagnostic) {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${diagnostic.file.fileName}:${line + 1}:${character + 1}: ${text}`;
}

function readTsconfig(tsconfig) {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(message(diagnostic));
      },
    },
  );
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map(message).join('\n'));
  return parsed.options;
}

/** @param {{ tsconfig: string }} options */
export function transpileTypeScript({ tsconfig }) {
  const compilerOptions = { ...readTsconfig(tsconfig), sourceMap: true, inlineSourceMap: false, declaration: false, noEmit: false };
  const cache = ts.createModuleResolutionCache(process.cwd(), (name) => name, compilerOptions);

  return {
    name: 'transpile-typescript',

    // Relative imports between the sources (`./types`, `../protocol/json`) resolve as TypeScript
    // resolves them; anything else is left to rollup (the externals never get here).
    resolveId(source, importer) {
      if (!importer || !TS_FILE.test(importer) || !source.startsWith('.')) return null;
      const { resolvedModule } = ts.resolveModuleName(source, importer, compilerOptions, ts.sys, cache);
      if (!resolvedModule || resolvedModule.isExternalLibraryImport || resolvedModule.extension === '.d.ts') return null;
      return resolvedModule.resolvedFileName;
    },

    // In load rather than transform, as @rollup/plugin-typescript does: rollup then sees the
    // JavaScript as the module's original code (it takes the output's indentation from it).
    load(id) {
      if (!TS_FILE.test(id) || DTS_FILE.test(id)) return null;
      const output = ts.transpileModule(readFileSync(id, 'utf8'), { compilerOptions, fileName: id, reportDiagnostics: true });
      const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (errors.length > 0) this.error(errors.map(message).join('\n'));
      return {
        code: output.outputText.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n'),
        map: output.sourceMapText,
      };
    },
  };
}

/** @param {{ tsconfig: string }} options */
export function emitDeclarations({ tsconfig }) {
  const compilerOptions = {
    ...readTsconfig(tsconfig),
    // As rollup-plugin-dts sets them for its own programs.
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    declarationMap: false,
    sourceMap: false,
    skipLibCheck: true,
    preserveSymlinks: true,
    target: ts.ScriptTarget.ESNext,
    // Declarations are emitted without a second full type check (typecheck has done it).
    noCheck: true,
    noEmitOnError: false,
  };
  const cache = ts.createModuleResolutionCache(process.cwd(), (name) => name, compilerOptions);
  /** Source file (.ts) → its declaration text. */
  let declarations = new Map();

  return {
    name: 'emit-declarations',

    buildStart(options) {
      const roots = Object.values(options.input).map((entry) => resolve(entry).replace(DTS_FILE, '.ts'));
      const program = ts.createProgram(roots, compilerOptions, ts.createCompilerHost(compilerOptions, true));
      declarations = new Map();
      const { diagnostics } = program.emit(
        undefined,
        (fileName, text, _bom, _onError, sources) => {
          if (DTS_FILE.test(fileName) && sources?.length === 1) declarations.set(resolve(sources[0].fileName), text);
        },
        undefined,
        true,
      );
      const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (errors.length > 0) this.error(errors.map(message).join('\n'));
    },

    // An entry named by its .d.ts is its source file; relative imports resolve as TypeScript
    // resolves them. Module ids stay the .ts paths, as they were when rollup-plugin-dts compiled.
    resolveId(source, importer) {
      if (!importer) {
        const file = resolve(source).replace(DTS_FILE, '.ts');
        return declarations.has(file) ? file : null;
      }
      if (!source.startsWith('.') || !declarations.has(importer)) return null;
      const { resolvedModule } = ts.resolveModuleName(source, importer, compilerOptions, ts.sys, cache);
      const file = resolvedModule && resolve(resolvedModule.resolvedFileName);
      return file && declarations.has(file) ? file : null;
    },

    load(id) {
      const text = declarations.get(id);
      return text === undefined ? null : { code: text.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n') };
    },
  };
}
