import { describe, expect, it } from 'vitest';
import {
  CommentImportError,
  htmlToText,
  pageKey,
  parseJsonFile,
  parseTime,
  planImport,
  readMapping,
} from '../../src/domain/comment-import.ts';
import type { SourceComment } from '../../src/domain/comment-import.ts';

const comment = (id: string, parentId: string | null, ctime: number, extra: Partial<SourceComment> = {}) => ({
  record: Number(id),
  id,
  parentId,
  page: '/p',
  author: { key: `nick:${id}`, name: id, face: '' },
  message: `m${id}`,
  ctime,
  likes: 0,
  dislikes: 0,
  pinned: false,
  visible: true,
  ...extra,
});

describe('comment import rules', () => {
  it('reads the date forms Waline and Artalk write', () => {
    expect(parseTime('2024-03-01T10:00:00.000Z')).toBe(1709287200);
    expect(parseTime('2024-03-02 08:00:00 +0800 +0800')).toBe(1709337600);
    expect(parseTime('2024-03-02 08:00:00')).toBe(1709366400);
    expect(parseTime('2024-03-03T09:00:00+08:00')).toBe(1709427600);
    expect(parseTime(1709287200000)).toBe(1709287200);
    expect(parseTime('yesterday')).toBeNull();
    expect(parseTime('')).toBeNull();
  });

  it('turns Waline HTML into the text a client shows', () => {
    expect(htmlToText('<p><a class="at" href="#x">@Lin</a> , hi &amp; bye<br/>two</p>\n<p>three</p>')).toBe(
      'hi & bye\ntwo\n\nthree',
    );
    expect(htmlToText('<p>ok <img class="wl-emoji" src="x.png" alt="doge"> &#x1F600; &lt;b&gt;</p>')).toBe(
      'ok [doge] 😀 <b>',
    );
  });

  it('matches pages by path whatever the URL form', () => {
    for (const form of ['https://blog.example.com/a/b/', '/a/b', '/a/b/', '/a/b/index.html', '/a/b?x=1#c']) {
      expect(pageKey(form), form).toBe('/a/b');
    }
    expect(pageKey('https://blog.example.com')).toBe('/');
  });

  it('threads deep replies under their top-level ancestor, parents first, skipping held-back branches', () => {
    const mapping = readMapping({ pages: { '/p': 7 } }, () => true);
    const plan = planImport(
      [
        comment('3', '2', 100), // dated before its parent: placed right after it
        comment('1', null, 50),
        comment('2', '1', 200),
        comment('4', null, 60, { visible: false }),
        comment('5', '4', 70),
      ],
      mapping,
    );
    expect(plan.skipped).toBe(2);
    expect(plan.comments.map((p) => [p.source.id, p.rootId, p.parentId, p.level])).toEqual([
      ['1', '1', null, 1],
      ['2', '1', '1', 2],
      ['3', '1', '2', 3],
    ]);
  });

  it('reports cycles, missing parents, unmapped pages and bad mappings by record', () => {
    const mapping = readMapping({ pages: { '/p': { type: 12, oid: 5 } } }, (t) => t === 12);
    expect(() => planImport([comment('1', '2', 1), comment('2', '1', 1)], mapping)).toThrow(
      /record 1: its replies form a cycle/,
    );
    expect(() => planImport([comment('1', '9', 1)], mapping)).toThrow(
      /record 1: answers 9, which is not in the file/,
    );
    expect(() => planImport([comment('1', null, 1, { page: '/q' })], mapping)).toThrow(
      /record 1: page "\/q" has no entry/,
    );
    expect(() => readMapping({ pages: { '/p': { type: 99, oid: 1 } } }, (t) => t === 12)).toThrow(
      /area type 99 is not one Replay supports/,
    );
    expect(() => parseJsonFile('{\n  "a": 1,\n  oops\n}', 'f.json')).toThrow(CommentImportError);
    expect(() => parseJsonFile('{\n  "a": 1,\n  oops\n}', 'f.json')).toThrow(/line 3/);
  });
});
