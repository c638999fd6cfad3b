import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync('docs/architecture.md', 'utf8');
const RULES = /^\| ([RTXFSE]\d+(?:[–,] ?[RTXFSE]\d+)*) \| (.+) \|$/gm;

describe('docs/architecture.md', () => {
  it('every file and function the rule table names exists where it says', () => {
    const rows = [...doc.matchAll(RULES)];
    expect(rows.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const [, , where] of rows) {
      // `file.ts` (`name`, `name`) … : each name must be declared in the file just before it.
      for (const [, file, names] of where!.matchAll(/`([\w/.-]+\.ts)`(?: \(([^)]*)\))?/g)) {
        const path = file!.startsWith('test/') ? file! : `src/${file}`;
        if (!existsSync(path)) {
          missing.push(path);
          continue;
        }
        const source = readFileSync(path, 'utf8');
        for (const [, name] of (names ?? '').matchAll(/`(\w+)`/g)) {
          if (!new RegExp(`(function|const|class|type|interface) ${name}\\b|^\\s+(private )?${name}\\(`, 'm').test(source))
            missing.push(`${path}: ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('names every rule of the conformance table', () => {
    const conformance = readFileSync('docs/conformance.md', 'utf8');
    const rules = new Set([...conformance.matchAll(/^\| ([RTXFSE]\d+) \|/gm)].map((m) => m[1]!));
    expect(rules.size).toBeGreaterThan(30);
    const covered = new Set<string>();
    for (const [, ids] of doc.matchAll(RULES)) {
      for (const part of ids!.split(/, ?/)) {
        const range = /^([RTXFSE])(\d+)(?:–[RTXFSE](\d+))?$/.exec(part)!;
        for (let n = Number(range[2]); n <= Number(range[3] ?? range[2]); n++) covered.add(`${range[1]}${n}`);
      }
    }
    expect([...rules].filter((rule) => !covered.has(rule))).toEqual([]);
  });
});
