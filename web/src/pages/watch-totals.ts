import type { BiliEnvelope } from '../../../src/client/index.ts';
import type { WatchTotalsData } from '../../../src/wire/analytics.schema.ts';
import { bili, unwrap } from '../api.ts';
import { formatDuration, h } from '../dom.ts';

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
      line.textContent = `Last 30 days: ${t.plays} ${t.plays === 1 ? 'play' : 'plays'}, ${formatDuration(t.watch_time)} watched.`;
    })
    .catch(() => undefined);
  return line;
}
