import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExtras, sectionOf } from '../../bench/lib/extras.ts';
import { renderExtras, replaceExtras } from '../../bench/lib/report.ts';

describe('bench extras', () => {
  it('keeps what a bench printed from its first heading on', () => {
    expect(sectionOf('seeding…\nwarming up\n## Message center\n\n| a |\n|---|\n')).toBe(
      '## Message center\n\n| a |\n|---|',
    );
    expect(sectionOf('no heading at all\n')).toBe('no heading at all');
  });

  it('runs the benches present in the checkout and names the missing ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'extras-'));
    mkdirSync(join(root, 'bench'));
    writeFileSync(join(root, 'bench', 'toolkit.ts'), '');
    expect(findExtras(root, [])).toEqual({ present: ['toolkit'], missing: ['analytics', 'message-center'] });
    expect(findExtras(root, ['message-center'])).toEqual({ present: [], missing: ['message-center'] });
  });

  it('puts the feature sections after the report, replacing earlier ones', () => {
    const old = { name: 'toolkit', markdown: '## Toolkit\n\nold', seconds: 3 };
    const first = renderExtras([old]);
    const report = replaceExtras('# Benchmarks\n\nmain table\n', [old]);
    expect(report).toBe(`# Benchmarks\n\nmain table\n\n${first}`);
    const again = replaceExtras(report, [{ name: 'toolkit', markdown: '## Toolkit\n\nnew', seconds: 4 }]);
    expect(again).toContain('main table');
    expect(again).toContain('new');
    expect(again).not.toContain('old');
  });

  it('replaces only the sections of the benches run, keeping the others in their order', () => {
    const report = replaceExtras('# Benchmarks\n\nmain table\n', [
      {
        name: 'analytics',
        markdown: '### Watch analytics\n\nA1',
        seconds: 100,
        at: '2026-12-06T08:00:00.000Z',
      },
      { name: 'message-center', markdown: '### Message center\n\nM1', seconds: 200 },
      { name: 'toolkit', markdown: '### Toolkit\n\nT1', seconds: 90 },
    ]);
    const again = replaceExtras(report, [
      { name: 'toolkit', markdown: '### Toolkit\n\nT2', seconds: 91, at: '2026-12-06T09:30:00.123Z' },
    ]);
    expect(again).toContain('main table');
    expect(again).not.toContain('T1');
    expect(again.indexOf('A1')).toBeLessThan(again.indexOf('M1'));
    expect(again.indexOf('M1')).toBeLessThan(again.indexOf('T2'));
    expect(again).toContain('_`bench/analytics.ts`: 100 s, started 2026-12-06T08:00:00Z._');
    expect(again).toContain('_`bench/toolkit.ts`: 91 s, started 2026-12-06T09:30:00Z._');
    // Replacing again changes nothing else.
    expect(
      replaceExtras(again, [
        { name: 'toolkit', markdown: '### Toolkit\n\nT2', seconds: 91, at: '2026-12-06T09:30:00.123Z' },
      ]),
    ).toBe(again);
  });

  it('replaces the whole part of an older report without section marks', () => {
    const older = '# Benchmarks\n\nmain\n\n# Feature benchmarks\n\nRun by …\n\n### Watch analytics\n\nA0\n';
    const updated = replaceExtras(older, [{ name: 'toolkit', markdown: '### Toolkit\n\nT', seconds: 1 }]);
    expect(updated).not.toContain('A0');
    expect(updated).toContain('<!-- extra: toolkit -->\n### Toolkit');
  });
});
