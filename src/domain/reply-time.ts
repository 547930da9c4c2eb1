/** `reply_control.time_desc` (CONTRACT.md §2.7): number + 分钟/小时/天 + 前发布. */
export function timeDesc(ctimeSeconds: number, nowSeconds: number): string {
  const elapsed = Math.max(0, nowSeconds - ctimeSeconds);
  if (elapsed < 3600) return `${Math.max(1, Math.floor(elapsed / 60))}分钟前发布`;
  if (elapsed < 86400) return `${Math.floor(elapsed / 3600)}小时前发布`;
  return `${Math.floor(elapsed / 86400)}天前发布`;
}
