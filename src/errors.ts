/**
 * The one error type of the Bilibili API surface. Services throw it; the envelope plugin is the only place
 * that turns it into a response (HTTP 200 + `{code, message, ttl}`).
 */

/** Every code Replay can answer with, and its Chinese text (CONTRACT.md §12–§13). */
export const ERROR_MESSAGES = {
  [-1]: '应用程序不存在或已被封禁',
  [-2]: 'Access Key错误',
  [-3]: 'API校验密匙错误',
  [-4]: '调用方对该Method没有权限',
  [-101]: '账号未登录',
  [-102]: '账号被封停',
  [-103]: '积分不足',
  [-104]: '硬币不足',
  [-105]: '验证码错误',
  [-106]: '账号非正式会员或在适应期',
  [-107]: '应用不存在或者被封禁',
  [-108]: '未绑定手机',
  [-110]: '未绑定手机',
  [-111]: 'csrf 校验失败',
  [-112]: '系统升级中',
  [-113]: '账号尚未实名认证',
  [-114]: '请先绑定手机',
  [-115]: '请先完成实名认证',
  [-304]: '木有改动',
  [-307]: '撞车跳转',
  [-352]: '风控校验失败',
  [-400]: '请求错误',
  [-401]: '未认证',
  [-403]: '访问权限不足',
  [-404]: '啥都木有',
  [-405]: '不支持该方法',
  [-409]: '冲突',
  [-412]: '请求被拦截',
  [-500]: '服务器错误',
  [-503]: '过载保护,服务暂不可用',
  [-504]: '服务调用超时',
  [-509]: '请求过于频繁，请稍后再试',
  [-616]: '上传文件不存在',
  [-617]: '上传文件太大',
  [-625]: '登录失败次数太多',
  [-626]: '用户不存在',
  [-628]: '密码太弱',
  [-629]: '用户名或密码错误',
  [-632]: '操作对象数量限制',
  [-643]: '被锁定',
  [-650]: '用户等级太低',
  [-652]: '重复的用户',
  [-658]: 'Token 过期',
  [-662]: '密码时间戳过期',
  [-663]: '鉴权失败，请联系账号组',
  [-688]: '地理区域限制',
  [-689]: '版权限制',
  [-701]: '扣节操失败',
  [-799]: '请求过于频繁，请稍后再试',
  [-8888]: '对不起，服务器开小差了~ (ಥ﹏ಥ)',
  /** A positive 400: GenWebTicket's parameter error, a bad `hexsign` included (CONTRACT.md §22.1.6). */
  400: '参数错误',
  2202: 'csrf 请求非法',
  12001: '已经存在评论主题',
  12002: '评论区已关闭',
  12003: '禁止回复',
  12004: '禁止点赞/点踩',
  12006: '没有该评论',
  12008: '已经举报过了',
  12009: '评论主体的type不合法',
  12011: '非法的点赞/点踩操作',
  12015: '需要评论验证码',
  12016: '评论内容包含敏感信息',
  12019: '举报过于频繁',
  12022: '已经被删除了',
  12025: '评论字数过多',
  12029: '已经存在置顶评论',
  12030: '不能置顶非一级评论',
  12035: '该账号被UP主列入评论黑名单',
  12045: '购买后才能发表评论',
  12051: '重复评论，请勿刷屏',
  12052: '评论区已关闭',
  12077: '举报理由过长或过短',
  20000: '该版本已不支持当前功能，请升级新版本！',
  86000: 'RSA解密失败',
  86038: '二维码已失效',
  86039: '二维码尚未确认',
  86090: '二维码已扫码未确认',
  86095: 'refresh_csrf 错误或 refresh_token 与 cookie 不匹配',
  86101: '未扫码',
  90001: '稍后再看列表已满',
  90003: '稿件已被删除',
} as const satisfies Record<number, string>;

export type BiliCode = keyof typeof ERROR_MESSAGES;

export class BiliError extends Error {
  readonly code: BiliCode;
  /** Some errors still carry a payload (nav answers -101 with `data.isLogin=false`). */
  readonly data: unknown;

  constructor(code: BiliCode, detail?: string, data?: unknown) {
    super(detail ? `${ERROR_MESSAGES[code]}: ${detail}` : ERROR_MESSAGES[code]);
    this.name = 'BiliError';
    this.code = code;
    this.data = data;
  }
}

export function messageOf(code: BiliCode): string {
  return ERROR_MESSAGES[code];
}

/** -400 naming the offending parameter, as DESIGN.md §4 asks. */
export function badParam(name: string, problem = '格式错误'): BiliError {
  return new BiliError(-400, `参数 ${name} ${problem}`);
}
