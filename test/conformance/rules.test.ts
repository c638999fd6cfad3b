import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The rule ids of the protocol rx-lro implements (PROTOCOL.md, kept beside the project): every one
// must be in docs/conformance.md and in the name of at least one test.
const RULES = [...range('R', 16), ...range('T', 6), ...range('X', 8), ...range('F', 5), ...range('S', 4), ...range('E', 3)];

function range(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

const ROOT = join(__dirname, '..', '..');
const TABLE = readFileSync(join(ROOT, 'docs', 'conformance.md'), 'utf8');

interface Row {
  rule: string;
  cells: string[];
}

// The rows of the table whose first cell is a rule id.
function rows(markdown: string): Row[] {
  return markdown
    .split('\n')
    .filter((line) => /^\|\s*[RTXFSE]\d+\s*\|/.test(line))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { rule: cells[0]!, cells };
    });
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// The names given to `it`, `test` and `describe` (template strings included, with their holes as written).
function testNames(source: string): string[] {
  const names: string[] = [];
  const call = /\b(?:it|test|describe)(?:\.each\([^)]*\))?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (let match = call.exec(source); match; match = call.exec(source)) names.push(match[2]!);
  return names;
}

const names = new Map<string, string[]>(
  testFiles(join(ROOT, 'test')).map((file) => [relative(ROOT, file), testNames(readFileSync(file, 'utf8'))]),
);

function mentions(name: string, rule: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9])${rule}(?![0-9])`).test(name);
}

describe('docs/conformance.md', () => {
  const table = rows(TABLE);

  it('lists every rule of the protocol, each once', () => {
    const listed = table.map((row) => row.rule);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...RULES].sort());
  });

  it('gives every rule its behaviour, what the Azure SDKs do, and the test that pins it', () => {
    for (const row of table) {
      expect(row.cells, row.rule).toHaveLength(4);
      // "—" in the SDK column: no difference known; every other cell says something.
      row.cells.forEach((cell, i) => expect(cell.length, `${row.rule}: cell ${i + 1} is empty`).toBeGreaterThan(i === 2 ? 0 : 1));
    }
  });

  for (const rule of RULES) {
    it(`${rule} is pinned by a test named after it, and the table cites a real one`, () => {
      const named = [...names].flatMap(([file, list]) => list.filter((name) => mentions(name, rule)).map((name) => `${file} › ${name}`));
      expect(named.length, `no test name mentions ${rule}`).toBeGreaterThan(0);
      const row = table.find((r) => r.rule === rule);
      expect(row, `${rule} is missing from docs/conformance.md`).toBeDefined();
      // "pinned by" cites `file` › name-fragment; the fragment must be part of a test name in that file.
      const cited = /`([^`]+\.test\.ts)`\s*›\s*(.+)$/.exec(row!.cells[3]!);
      expect(cited, `${rule}: the last cell must cite \`file.test.ts\` › test name`).not.toBeNull();
      const [, file, fragment] = cited!;
      expect(existsSync(join(ROOT, file!)), `${file} does not exist`).toBe(true);
      const inFile = names.get(file!) ?? [];
      const wanted = fragment!.trim().replace(/^["“]|["”]$/g, '');
      expect(
        inFile.some((name) => name.includes(wanted) && mentions(name, rule)),
        `${file} has no test "${wanted}" naming ${rule}`,
      ).toBe(true);
    });
  }

  it('names no rule that the protocol does not have', () => {
    const cited = new Set(TABLE.match(/\b[RTXFSE]\d{1,2}\b/g) ?? []);
    for (const id of cited) expect(RULES, `${id} is not a rule`).toContain(id);
  });
});
