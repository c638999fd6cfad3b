import { describe, expect, it } from 'vitest';
import { DEMO_OPERATIONS, runDemo } from '../../src/cli/demo';
import { capture } from './capture';

describe('the demo', () => {
  it('tracks the six operations and ends with a summary table (plain lines when not a TTY)', async () => {
    const out = capture(false);
    expect(await runDemo(out, { speed: 0.15 })).toBe(0);
    const text = out.text();
    expect(text).not.toContain('\x1b[');
    expect(DEMO_OPERATIONS).toHaveLength(6);
    const table = text.slice(text.indexOf('operation  '));
    const rowOf = (label: string) => table.split('\n').find((line) => line.startsWith(label)) ?? '';
    for (const op of DEMO_OPERATIONS) expect(text).toContain(op.label);
    expect(rowOf('Start VM vm-web-01')).toContain('succeeded');
    expect(rowOf('Deploy template web-stack')).toMatch(/succeeded .*web-stack/);
    expect(rowOf('Create storage demostore01')).toMatch(/succeeded .*demostore01/);
    expect(rowOf('Create vnet-hub')).toContain('succeeded');
    expect(rowOf('Create SQL server sql-prod')).toMatch(/failed .*DeploymentFailed: .*\[QuotaExceeded\]/);
    expect(rowOf('Delete resource group rg-old')).toContain('canceled (you)');
    expect(text).toMatch(/\d+ requests served; 0 sent after the cancel/);
    expect(text).toMatch(/Start VM vm-web-01: running InProgress \d+%/);
  });

  it('draws live progress bars on a terminal', async () => {
    const out = capture(true);
    expect(await runDemo(out, { speed: 0.15 })).toBe(0);
    const text = out.text();
    expect(text).toContain('\x1b[2K');
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequences are what is checked
    expect(text).toMatch(/\x1b\[6A/);
    expect(text).toContain('████████████████████ 100% Succeeded');
    expect(text).toContain('canceled by you');
  });
});
