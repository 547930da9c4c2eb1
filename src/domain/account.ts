/** Account rules shared by nav, the player and comment members: levels and membership. */

/** Experience needed to reach each level 0–6 (Bilibili's published thresholds). */
const LEVEL_THRESHOLDS = [0, 1, 200, 1500, 4500, 10800, 28800] as const;

export const MAX_LEVEL = 6;

export interface LevelInfo {
  current_level: number;
  current_min: number;
  current_exp: number;
  /** The string "--" at the top level, as the wire format has it. */
  next_exp: number | '--';
}

/** Replay stores only a level; experience is shown as the level's lower bound. */
export function levelInfo(level: number): LevelInfo {
  const current = Math.min(Math.max(level, 0), MAX_LEVEL);
  const min = LEVEL_THRESHOLDS[current]!;
  return {
    current_level: current,
    current_min: min,
    current_exp: min,
    next_exp: current >= MAX_LEVEL ? '--' : LEVEL_THRESHOLDS[current + 1]!,
  };
}

export interface Membership {
  /** 0 none, 1 monthly, 2 annual or longer. */
  type: number;
  /** 1 while the membership has not expired. */
  status: number;
  dueDateMs: number;
  labelText: string;
  labelTheme: string;
  nicknameColor: string;
}

export function membership(vipType: number, vipDueDateMs: number, nowMs: number): Membership {
  const active = vipType > 0 && vipDueDateMs > nowMs;
  if (!active) {
    return {
      type: vipType,
      status: 0,
      dueDateMs: vipDueDateMs,
      labelText: '',
      labelTheme: '',
      nicknameColor: '',
    };
  }
  const annual = vipType >= 2;
  return {
    type: vipType,
    status: 1,
    dueDateMs: vipDueDateMs,
    labelText: annual ? '年度大会员' : '大会员',
    labelTheme: annual ? 'annual_vip' : 'vip',
    nicknameColor: '#FB7299',
  };
}

export const SEXES = ['男', '女', '保密'] as const;
export type Sex = (typeof SEXES)[number];
