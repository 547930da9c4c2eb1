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
    const first = renderExtras([{ name: 'toolkit', markdown: '## Toolkit\n\nold', seconds: 3 }]);
    const report = replaceExtras('# Benchmarks\n\nmain table\n', first);
    expect(report).toBe(`# Benchmarks\n\nmain table\n\n${first}`);
    const second = renderExtras([{ name: 'toolkit', markdown: '## Toolkit\n\nnew', seconds: 4 }]);
    const again = replaceExtras(report, second);
    expect(again).toContain('main table');
    expect(again).toContain('new');
    expect(again).not.toContain('old');
  });
});
