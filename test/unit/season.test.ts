import { describe, expect, it } from 'vitest';
import { episodeLabel, newDesc, seasonBadge, seasonTotal, showTitle } from '../../src/domain/season.ts';

describe('season rules', () => {
  it('badges by season type; courses are 课程; manga (6) and unknown types have none', () => {
    expect([1, 2, 3, 4, 5, 7].map((t) => seasonBadge('pgc', t))).toEqual([
      '番剧',
      '电影',
      '纪录片',
      '国创',
      '电视剧',
      '综艺',
    ]);
    expect(seasonBadge('pgc', 6)).toBe('');
    expect(seasonBadge('cheese', 0)).toBe('课程');
  });

  it('titles: a number reads 第N话 (第N课), anything else as it is', () => {
    expect(showTitle('pgc', '8', '庆忌（下）')).toBe('第8话 庆忌（下）');
    expect(showTitle('pgc', '8', '')).toBe('第8话');
    expect(showTitle('pgc', '正片', '')).toBe('正片');
    expect(episodeLabel('10.5', 'pgc')).toBe('第10.5话');
    expect(episodeLabel('3', 'cheese')).toBe('第3课');
  });

  it('new_desc: 全N when finished (announced total first), else after the newest episode', () => {
    expect(newDesc('pgc', true, 12, 0, '12')).toBe('全12话');
    expect(newDesc('pgc', true, 10, 12, '10')).toBe('全12话');
    expect(newDesc('pgc', false, 10, 12, '10')).toBe('更新至第10话');
    expect(newDesc('pgc', false, 1, 0, 'SP')).toBe('更新至SP');
    expect(newDesc('pgc', false, 0, 0, null)).toBe('即将开播');
    expect(newDesc('cheese', false, 3, 66, '3')).toBe('更新至第3课');
    expect(seasonTotal(0, 4)).toBe(4);
    expect(seasonTotal(12, 4)).toBe(12);
  });
});
