import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../styles/stats.css';
import type { ArchiveAnalytics } from '../../../src/client/analytics-admin-api.ts';
import type { BiliEnvelope } from '../../../src/client/index.ts';
import { bili, errorText, me, unwrap } from '../api.ts';
import { formatDuration, h, replace } from '../dom.ts';
import { setTitle } from '../layout.ts';

/** How often the page refreshes its figures (viewers online move every heartbeat). */
const REFRESH_MS = 10_000;

const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;

function figure(label: string, value: string, testId: string): HTMLElement {
  return h(
    'div',
    { class: 'card stat-figure' },
    h('span', { class: 'muted' }, label),
    h('strong', { 'data-testid': testId }, value),
  );
}

function chart(title: string, testId: string): { box: HTMLElement; plot: HTMLElement } {
  const plot = h('div', { class: 'stat-chart', 'data-testid': testId });
  return { box: h('section', { class: 'card' }, h('h2', null, title), plot), plot };
}

/**
 * `/video/<bvid>/stats`: the owner's watch analytics of an archive (docs/api/analytics.md): viewers online
 * now, the last 30 days' totals, plays and watch time per day, and the first part's retention curve, drawn
 * with uPlot.
 */
export async function renderStatsPage(main: HTMLElement, bvid: string): Promise<void> {
  setTitle('Video stats');
  const user = await me();
  if (!user) {
    replace(
      main,
      h('h1', null, 'Video stats'),
      h('p', null, h('a', { href: '/login' }, 'Sign in'), ' to see your video stats.'),
    );
    return;
  }
  const status = h('p', { class: 'muted', role: 'status' });
  const figures = h('div', { class: 'stat-figures' });
  const retention = chart('Retention: share of plays still watching', 'retention-chart');
  const daily = chart('Plays and watch time per day', 'daily-chart');
  replace(
    main,
    h('h1', null, 'Video stats'),
    h('p', null, h('a', { href: `/video/${encodeURIComponent(bvid)}` }, 'Back to the video')),
    status,
    figures,
    retention.box,
    daily.box,
  );
  const plots: uPlot[] = [];
  const width = () => Math.max(280, Math.min(900, main.clientWidth - 40));

  const load = async (): Promise<void> => {
    const body = await bili().get<BiliEnvelope<ArchiveAnalytics>>('/x/replay/archive/analytics', { bvid });
    const a = unwrap(body);
    replace(
      figures,
      figure('Watching now', String(a.online.total), 'online-now'),
      figure('Plays', String(a.totals.plays), 'plays'),
      figure('Viewers', String(a.totals.viewers), 'viewers'),
      figure('Watch time', formatDuration(a.totals.watch_time), 'watch-time'),
      figure('Average watch time', formatDuration(Math.round(a.totals.avg_watch_time)), 'avg-watch-time'),
      figure('Completion', percent(a.totals.completion_rate), 'completion'),
      figure('Left within 3 s', percent(a.totals.quick_exit_rate), 'quick-exit'),
    );
    status.textContent = `${a.from} to ${a.to} (UTC), signed-in plays.`;
    for (const p of plots.splice(0)) p.destroy();
    const positions = a.retention.points.map((p) => p.position);
    const shares = a.retention.points.map((p) => p.share * 100);
    plots.push(
      new uPlot(
        {
          width: width(),
          height: 240,
          scales: { x: { time: false }, y: { range: [0, 100] } },
          axes: [{ label: 'seconds into the part' }, { label: '%' }],
          series: [{}, { label: 'still watching (%)', stroke: '#fb7299', fill: 'rgba(251,114,153,0.15)' }],
        },
        [positions, shares],
        retention.plot,
      ),
    );
    const days = a.days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
    plots.push(
      new uPlot(
        {
          width: width(),
          height: 240,
          scales: { minutes: { auto: true } },
          axes: [
            {},
            { label: 'plays' },
            { scale: 'minutes', side: 1, label: 'minutes', grid: { show: false } },
          ],
          series: [
            {},
            { label: 'plays', stroke: '#00a1d6' },
            { label: 'watch time (min)', stroke: '#f5a623', scale: 'minutes' },
          ],
        },
        [days, a.days.map((d) => d.plays), a.days.map((d) => Math.round(d.watch_time / 6) / 10)],
        daily.plot,
      ),
    );
  };

  try {
    await load();
  } catch (error) {
    status.textContent = errorText(error);
    return;
  }
  const timer = window.setInterval(() => {
    if (!main.isConnected) {
      window.clearInterval(timer);
      return;
    }
    load().catch((error: unknown) => (status.textContent = errorText(error)));
  }, REFRESH_MS);
}
