/** The report reasons of CONTRACT.md §4.6; anything else is -400. */
export const REPORT_REASONS: readonly string[] = [
  '其他',
  '垃圾广告',
  '色情',
  '刷屏',
  '引战',
  '剧透',
  '政治',
  '人身攻击',
  '内容不相关',
  '违法违规',
  '低俗',
  '非法网站',
  '赌博诈骗',
  '传播不实信息',
  '怂恿教唆信息',
  '侵犯隐私',
  '抢楼',
  '青少年不良信息',
];

export const OTHER_REASON = 0;
export const OTHER_CONTENT_MIN = 2;
export const OTHER_CONTENT_MAX = 200;

/** `reason=0` needs its own text of 2–200 characters (12077 otherwise). */
export function otherReasonContentOk(content: string): boolean {
  const length = [...content.trim()].length;
  return length >= OTHER_CONTENT_MIN && length <= OTHER_CONTENT_MAX;
}
