/**
 * The emote packages Replay ships. Images are Replay's own drawings (scripts/generate-emotes.ts writes
 * them to assets/emotes/); names and the ids CONTRACT.md §5.1 quotes follow Bilibili so that messages
 * written for Bilibili resolve the same here. Seeded into every database at start.
 */

export interface BuiltinEmote {
  id: number;
  text: string;
  alias?: string;
  /** File name under assets/emotes/ (served at /bfs/emote/<file>); empty for kaomoji. */
  image: string;
}

export interface BuiltinPackage {
  id: number;
  text: string;
  type: number;
  size: number;
  /** Icon file name under assets/emotes/, or empty to use the first emote's image. */
  icon: string;
  mtime: number;
  emotes: BuiltinEmote[];
}

/** When the shipped set was drawn; stable so that re-seeding changes nothing. */
const SHIPPED = 1763769600;

const face = (id: number, name: string, file: string): BuiltinEmote => ({
  id,
  text: `[${name}]`,
  image: `${file}.png`,
});

export const DEFAULT_PACKAGE_ID = 1;
export const KAOMOJI_PACKAGE_ID = 4;

export const BUILTIN_PACKAGES: readonly BuiltinPackage[] = [
  {
    id: DEFAULT_PACKAGE_ID,
    text: '小黄脸',
    type: 1,
    size: 1,
    icon: 'weixiao.png',
    mtime: SHIPPED,
    emotes: [
      face(1, '微笑', 'weixiao'),
      face(2, 'OK', 'ok'),
      face(3, '星星眼', 'xingxingyan'),
      face(4, '妙啊', 'miaoa'),
      face(5, '大哭', 'daku'),
      face(6, '歪嘴', 'waizui'),
      face(7, '喜欢', 'xihuan'),
      face(8, '酸了', 'suanle'),
      face(9, '疑惑', 'yihuo'),
      face(10, '吃瓜', 'chigua'),
      face(11, '调皮', 'tiaopi'),
      face(12, '偷笑', 'touxiao'),
      face(13, '无语', 'wuyu'),
      face(14, '害羞', 'haixiu'),
      face(15, '惊讶', 'jingya'),
      face(16, '呆', 'dai'),
      face(17, '生气', 'shengqi'),
      face(18, '捂脸', 'wulian'),
      face(19, '笑哭', 'xiaoku'),
      face(20, '哈欠', 'haqian'),
      face(21, '难过', 'nanguo'),
      face(22, '奸笑', 'jianxiao'),
      face(23, '思考', 'sikao'),
      face(24, '脸红', 'lianhong'),
      face(25, '再见', 'zaijian'),
      face(26, 'doge', 'doge'),
      face(27, '滑稽', 'huaji'),
      face(28, '委屈', 'weiqu'),
      face(29, '晕', 'yun'),
      face(30, '抓狂', 'zhuakuang'),
      face(31, '墨镜', 'mojing'),
      face(32, '冷', 'leng'),
      face(1901, '加油武汉', 'jiayouwuhan'),
      face(1906, '口罩', 'kouzhao'),
      face(1958, '笑', 'xiao'),
      face(2126, '视频卫星', 'shipinweixing'),
      face(2374, '辣眼睛', 'layanjing'),
    ],
  },
  {
    id: KAOMOJI_PACKAGE_ID,
    text: '颜文字',
    type: 4,
    size: 1,
    icon: 'kaomoji.png',
    mtime: SHIPPED,
    emotes: [
      '(⌒▽⌒)',
      '（￣▽￣）',
      '(=・ω・=)',
      '(｀・ω・´)',
      '(〜￣△￣)〜',
      '(･∀･)',
      '(°∀°)ﾉ',
      '(￣3￣)',
      '╮(￣▽￣)╭',
      '( ´_ゝ｀)',
      '←_←',
      '→_→',
      '(<_<)',
      '(>_>)',
      '(;¬_¬)',
      '(ﾟДﾟ≡ﾟдﾟ)!?',
      'Σ(ﾟдﾟ;)',
      'Σ( ￣□￣||)',
      '(´；ω；`)',
      '（/TДT)/',
      '(^・ω・^ )',
      '(｡･ω･｡)',
      '(●￣(ｴ)￣●)',
      'ε=ε=(ノ≧∇≦)ノ',
      '(´･_･`)',
      '(-_-#)',
      '（￣へ￣）',
      '_(:3」∠)_',
      '(╯°口°)╯(┴—┴',
      '⁄(⁄ ⁄•⁄ω⁄•⁄ ⁄)⁄',
    ].map((text, i) => ({ id: 9001 + i, text, image: '' })),
  },
];

/** Ids the operator's packages and emotes are numbered from, clear of the shipped ones. */
export const FIRST_ASSIGNED_PACKAGE_ID = 1001;
export const FIRST_ASSIGNED_EMOTE_ID = 100_001;
