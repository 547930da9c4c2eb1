import type { MessageKey } from '../i18n/en.ts';
import { t } from '../i18n/index.ts';

/**
 * The 18 report reasons of the comment API (src/domain/report-reasons.ts, indexed by `reason`) in the
 * console's language (the catalogue's `reason.N`). The API keeps Bilibili's Chinese `reason_text` for clients.
 */
type ReasonKey = Extract<MessageKey, `reason.${number}`>;
const REASON_COUNT = 18;

export function reasonText(reason: number): string {
  return Number.isInteger(reason) && reason >= 0 && reason < REASON_COUNT
    ? t(`reason.${reason}` as ReasonKey)
    : t('admin.reasonN', { n: reason });
}
