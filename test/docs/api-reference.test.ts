// The API reference (TypeDoc, `npm run docs`): every public export of every entry point has a
// one-line gist and an @example, and every option of every options object says what it does.
import { Application, type ProjectReflection, ReflectionKind } from 'typedoc';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
let project: ProjectReflection;

beforeAll(async () => {
  const app = await Application.bootstrapWithPlugins({ options: join(root, 'typedoc.json'), logLevel: 'Error' });
  const converted = await app.convert();
  if (!converted) throw new Error('TypeDoc could not convert the sources');
  project = converted;
}, 120_000);

type Documented = {
  name: string;
  kind: ReflectionKind;
  comment?: { summary: unknown[]; blockTags: { tag: string }[] };
  signatures?: Documented[];
  children?: Documented[];
};

function commentOf(reflection: Documented): Documented['comment'] {
  return reflection.comment ?? reflection.signatures?.[0]?.comment;
}

function exportsOf(): Array<{ entry: string; reflection: Documented }> {
  return (project.children ?? []).flatMap((module) =>
    ((module.children ?? []) as unknown as Documented[])
      .filter((r) => r.kind !== ReflectionKind.Reference)
      .map((reflection) => ({ entry: module.name, reflection })),
  );
}

describe('the API reference', () => {
  it('covers the six entry points', () => {
    expect((project.children ?? []).map((m) => m.name).sort()).toEqual(['global-fetch', 'index', 'limiter', 'node', 'registry', 'testing']);
  });

  it('gives every public export a one-line gist and an @example', () => {
    const all = exportsOf();
    expect(all.length).toBeGreaterThan(80);
    const missing = all
      .filter(({ reflection }) => {
        const comment = commentOf(reflection);
        return !comment || comment.summary.length === 0 || !comment.blockTags.some((t) => t.tag === '@example');
      })
      .map(({ entry, reflection }) => `${entry}.${reflection.name}`);
    expect(missing).toEqual([]);
  });

  it('documents every option of every options object', () => {
    const undocumented = exportsOf()
      .filter(({ reflection }) => /Options$/.test(reflection.name))
      .flatMap(({ entry, reflection }) =>
        (reflection.children ?? [])
          .filter((p) => !p.comment || p.comment.summary.length === 0)
          .map((p) => `${entry}.${reflection.name}.${p.name}`),
      );
    expect(undocumented).toEqual([]);
  });
});
