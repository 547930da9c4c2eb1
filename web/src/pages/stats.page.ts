import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../styles/stats.css';
import type { ArchiveAnalytics, BiliEnvelope } from 'replay/client';
import { bili, errorText, me, unwrap } from '../api.ts';
import { formatDuration, h, replace } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { t, tNodes } from '../i18n/index.ts';

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
  setTitle(t('watch.stats'));
  const user = await me();
  if (!user) {
    replace(
      main,
      h('h1', null, t('watch.stats')),
      h('p', null, tNodes('stats.signInPrompt', { signIn: h('a', { href: '/login' }, t('common.signIn')) })),
    );
    return;
  }
  const status = h('p', { class: 'muted', role: 'status' });
  const figures = h('div', { class: 'stat-figures' });
  const retention = chart(t('stats.retention'), 'retention-chart');
  const daily = chart(t('stats.daily'), 'daily-chart');
  replace(
    main,
    h('h1', null, t('watch.stats')),
    h('p', null, h('a', { href: `/video/${encodeURIComponent(bvid)}` }, t('stats.back'))),
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
      figure(t('stats.now'), String(a.online.total), 'online-now'),
      figure(t('stats.plays'), String(a.totals.plays), 'plays'),
      figure(t('stats.viewers'), String(a.totals.viewers), 'viewers'),
      figure(t('stats.watchTime'), formatDuration(a.totals.watch_time), 'watch-time'),
      figure(t('stats.average'), formatDuration(Math.round(a.totals.avg_watch_time)), 'avg-watch-time'),
      figure(t('stats.completion'), percent(a.totals.completion_rate), 'completion'),
      figure(t('stats.quickExit'), percent(a.totals.quick_exit_rate), 'quick-exit'),
    );
    status.textContent = t('stats.range', { from: a.from, to: a.to });
    for (const p of plots.splice(0)) p.destroy();
    const positions = a.retention.points.map((p) => p.position);
    const shares = a.retention.points.map((p) => p.share * 100);
    plots.push(
      new uPlot(
        {
          width: width(),
          height: 240,
          scales: { x: { time: false }, y: { range: [0, 100] } },
          axes: [{ label: t('stats.axisSeconds') }, { label: '%' }],
          series: [
            { label: t('stats.position') },
            { label: t('stats.stillWatching'), stroke: '#fb7299', fill: 'rgba(251,114,153,0.15)' },
          ],
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
            { label: t('stats.axisPlays') },
            { scale: 'minutes', side: 1, label: t('stats.axisMinutes'), grid: { show: false } },
          ],
          series: [
            { label: t('stats.day') },
            { label: t('stats.axisPlays'), stroke: '#00a1d6' },
            { label: t('stats.watchMinutes'), stroke: '#f5a623', scale: 'minutes' },
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
