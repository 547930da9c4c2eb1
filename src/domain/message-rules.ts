/** Comment text rules (DESIGN.md §4 "Message length"). */

export const MAX_MESSAGE_CODE_POINTS = 1000;

export type MessageCheck = { ok: true; message: string } | { ok: false; problem: 'empty' | 'too-long' };

/** Trims, then: empty → -400, more than 1000 Unicode code points → 12025. */
export function checkMessage(raw: string): MessageCheck {
  const message = raw.trim();
  if (message === '') return { ok: false, problem: 'empty' };
  let length = 0;
  for (const _ of message) {
    if (++length > MAX_MESSAGE_CODE_POINTS) return { ok: false, problem: 'too-long' };
  }
  return { ok: true, message };
}
