import type { BiliEnvelope, WatchTotalsData } from 'replay/client';
import { bili, unwrap } from '../api.ts';
import { formatDuration, h } from '../dom.ts';
import { tn } from '../i18n/index.ts';

/**
 * The history page's line of the user's own totals over the last 30 days (`/x/replay/history/totals`,
 * docs/api/analytics.md). Filled when the answer arrives; stays empty if it fails.
 */
export function watchTotalsLine(): HTMLElement {
  const line = h('p', { class: 'muted', 'data-testid': 'watch-totals' });
  bili()
    .get<BiliEnvelope<WatchTotalsData>>('/x/replay/history/totals')
    .then((body) => {
      const t = unwrap(body);
      line.textContent = tn('history.totals', t.plays, { time: formatDuration(t.watch_time) });
    })
    .catch(() => undefined);
  return line;
}
