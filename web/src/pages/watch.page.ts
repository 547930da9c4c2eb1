import type { VideoPage, VideoViewData } from 'replay/client';
import { ApiError, bili, biliKeepalive, errorText, me, unwrap } from '../api.ts';
import type { Me } from '../api.ts';
import { mountComments } from '../comments/comment-section.ts';
import { avatar, formatCount, formatDuration, formatTime, h, replace } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { DEFAULT_HEARTBEAT_MS, HeartbeatReporter } from '../player/heartbeat-reporter.ts';
import type { Heartbeat } from '../player/heartbeat-reporter.ts';
import { queryParam } from '../urls.ts';
import { parseVideoRef } from './home.page.ts';
import { loadEpisodeContext } from './season.page.ts';
import { watchLaterButton } from './toview.page.ts';
import type { EpisodeContext } from './season.page.ts';
import { t, tn } from '../i18n/index.ts';

/**
 * Replay keeps no media: every part plays the project's own test video (assets/media, made by
 * scripts/make-demo-video.sh), so the reporting can be watched end to end without third-party media.
 */
const MEDIA_URL = '/media/replay-demo.webm';

/** Tests shorten Bilibili's 15 s heartbeat through this key; nothing else sets it. */
const HEARTBEAT_OVERRIDE_KEY = 'replay.heartbeatIntervalMs';

/** A resume point this close to the end starts over instead, as on Bilibili. */
const RESUME_END_MARGIN_S = 5;

const PLAYER_VERSION = 'replay-web-1';

export async function renderWatchPage(main: HTMLElement, id: string): Promise<void> {
  const bvid = parseVideoRef(id);
  if (!bvid) return notFound(main, t('watch.notAddress'));
  setTitle(t('watch.title'));
  replace(main, h('p', { class: 'muted', role: 'status' }, t('watch.loading')));

  let view: VideoViewData;
  try {
    view = unwrap(await bili().video.view({ bvid }));
  } catch (error) {
    if (error instanceof ApiError && error.code === -404) return notFound(main, t('watch.missing'));
    throw error;
  }
  const user = await me();
  const requested = Number(queryParam('p'));
  let page = view.pages.find((p) => p.page === requested);
  // `?ep=` / `?lesson=`: an episode of a season or course carried by this archive plays its part.
  const episode = await loadEpisodeContext(view);
  if (!page && episode) page = view.pages.find((p) => p.cid === episode.cid);
  const probe = page ?? view.pages[0];
  if (!probe) return notFound(main, t('watch.noParts'));

  // The player endpoint says where this viewer stopped (ms) and in which part (CONTRACT.md §8).
  const player = unwrap(await bili().player.info({ aid: view.aid, cid: probe.cid }));
  if (!page) {
    page = view.pages.find((p) => p.cid === player.last_play_cid) ?? probe;
    if (page.page > 1) history.replaceState(null, '', `?p=${page.page}${location.hash}`);
  }
  const resumeAt = player.last_play_cid === page.cid ? Math.max(0, player.last_play_time) / 1000 : 0;

  setTitle(view.title);
  renderWatch(main, view, page, resumeAt, user, episode);
}

function renderWatch(
  main: HTMLElement,
  view: VideoViewData,
  page: VideoPage,
  resumeAt: number,
  user: Me | null,
  episode: EpisodeContext | null = null,
) {
  const multi = view.pages.length > 1;
  const video = h('video', {
    controls: true,
    preload: 'metadata',
    playsinline: true,
    src: MEDIA_URL,
    'aria-label': multi
      ? t('watch.playerPart', { title: view.title, n: page.page })
      : t('watch.player', { title: view.title }),
    'data-aid': view.aid,
    'data-cid': page.cid,
  });
  const playerBox = h('div', { class: 'player' }, video);
  const comments = h('section', { class: 'comments-host', 'aria-label': t('comments.heading') });

  replace(
    main,
    h(
      'div',
      { class: 'watch' },
      h(
        'div',
        { class: 'watch-main' },
        h('h1', null, view.title),
        h(
          'dl',
          { class: 'video-meta' },
          h('dt', null, t('watch.views')),
          h(
            'dd',
            { class: 'views', 'data-views': view.stat.view },
            tn('watch.viewCount', view.stat.view, { count: formatCount(view.stat.view) }),
          ),
          h('dt', null, t('watch.published')),
          h('dd', null, formatTime(view.pubdate)),
          h('dt', null, t('watch.id')),
          h('dd', null, `${view.bvid} · av${view.aid}`),
          multi
            ? [
                h('dt', null, t('watch.part')),
                h('dd', null, t('watch.partValue', { n: page.page, name: page.part })),
              ]
            : null,
        ),
        playerBox,
        view.desc ? h('p', { class: 'description' }, view.desc) : null,
      ),
      h(
        'aside',
        { class: 'watch-side', 'aria-label': t('watch.about') },
        h(
          'div',
          { class: 'card owner-card' },
          avatar(view.owner.face, view.owner.name || '?', 48),
          h(
            'div',
            null,
            h('strong', null, view.owner.name),
            h('span', { class: 'muted' }, t('watch.uploader')),
          ),
        ),
        episode?.nav ?? null,
        user ? watchLaterButton(view.aid) : null,
        user && user.mid === view.owner.mid
          ? h('a', { href: `/video/${view.bvid}/stats`, class: 'button secondary' }, t('watch.stats'))
          : null,
        multi ? partsList(view, page) : null,
      ),
      comments,
    ),
  );

  attachPlayer(video, playerBox, view, page, resumeAt, user, episode);
  // `#reply<rpid>` (a notice's link, the `uri` of the message center) opens the section at that comment.
  const focus = Number(/^#reply(\d+)$/.exec(location.hash)?.[1] ?? 0);
  mountComments(comments, { type: 1, oid: view.aid, ownerHint: view.owner.mid, focus });
}

function partsList(view: VideoViewData, current: VideoPage): HTMLElement {
  return h(
    'nav',
    { class: 'card parts', 'aria-labelledby': 'parts-title' },
    h('h2', { id: 'parts-title' }, t('watch.parts', { n: current.page, total: view.pages.length })),
    h(
      'ol',
      null,
      view.pages.map((p) =>
        h(
          'li',
          null,
          h(
            'a',
            {
              href: `/video/${view.bvid}?p=${p.page}`,
              'aria-current': p.cid === current.cid ? 'true' : undefined,
            },
            // Uploaders often name parts "P1 …" themselves; the number is then not said twice.
            h(
              'span',
              null,
              new RegExp(`^P${p.page}(?!\\d)`, 'i').test(p.part)
                ? null
                : h('span', { class: 'muted' }, `P${p.page} `),
              p.part,
            ),
            h('span', { class: 'muted' }, formatDuration(p.duration)),
          ),
        ),
      ),
    ),
  );
}

/** Wires the <video> to Bilibili's reporting: heartbeats, the play count, the leave report, and resume. */
function attachPlayer(
  video: HTMLVideoElement,
  box: HTMLElement,
  view: VideoViewData,
  page: VideoPage,
  resumeAt: number,
  user: Me | null,
  episode: EpisodeContext | null = null,
): void {
  const session = crypto.randomUUID().replaceAll('-', '');
  const override = Number(localStorage.getItem(HEARTBEAT_OVERRIDE_KEY));
  const intervalMs = override > 0 ? override : DEFAULT_HEARTBEAT_MS;
  let counted = false;

  const send = (beat: Heartbeat) => {
    bili()
      .history.heartbeat(
        {
          aid: view.aid,
          bvid: view.bvid,
          cid: page.cid,
          ...(user ? { mid: user.mid } : {}),
          ...beat,
          // An episode is reported as Bilibili's player does: type 4 (10 for a lesson) with its ids.
          ...(episode?.heartbeat ?? { type: 3, sub_type: 0 }),
          dt: 2,
          outer: 0,
          quality: 0,
          refer_url: document.referrer,
          spmid: '333.788.0.0',
          from_spmid: '',
          session,
          extra: { player_version: PLAYER_VERSION },
        },
        { signed: true },
      )
      .then((body) => {
        if (body.code !== 0) console.warn('heartbeat refused', body.code, body.message);
      })
      .catch((error: unknown) => console.warn('heartbeat failed', errorText(error)));
    if (!counted && beat.play_type === 1) {
      // The web player counts a play when playback first starts on the page.
      counted = true;
      bili()
        .history.click({
          aid: view.aid,
          cid: page.cid,
          part: page.page,
          type: 3,
          sub_type: 0,
          outer: 0,
          session,
        })
        .catch((error: unknown) => console.warn('play count failed', errorText(error)));
    }
  };

  const reporter = new HeartbeatReporter(video, { send, intervalMs });
  video.addEventListener('play', () => reporter.onPlay());
  video.addEventListener('pause', () => reporter.onPause());
  video.addEventListener('ended', () => reporter.onEnded());

  // Leaving the page (closing, reloading, following a link) reports the position, like Bilibili's page.
  let reported = false;
  window.addEventListener('pagehide', () => {
    if (reported) return;
    const progress = reporter.leave();
    if (progress === null || !user) return;
    reported = true;
    biliKeepalive()
      .history.report({ aid: view.aid, cid: page.cid, progress, platform: 'web' })
      .catch(() => undefined);
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) reported = false;
  });

  video.addEventListener(
    'loadedmetadata',
    () => {
      const duration = Number.isFinite(video.duration) ? video.duration : 0;
      if (resumeAt <= 0 || resumeAt >= duration - RESUME_END_MARGIN_S) return;
      video.currentTime = resumeAt;
      const again = h('button', { type: 'button', class: 'button small' }, t('watch.startOver'));
      const toast = h(
        'div',
        { class: 'resume-toast', role: 'status' },
        h('span', null, t('watch.resumed', { at: formatDuration(resumeAt) })),
        again,
      );
      again.addEventListener('click', () => {
        video.currentTime = 0;
        toast.remove();
        video.focus();
      });
      box.append(toast);
      setTimeout(() => toast.remove(), 8000);
    },
    { once: true },
  );
}

function notFound(main: HTMLElement, text: string): void {
  setTitle(t('watch.notFound'));
  replace(
    main,
    h('h1', null, t('watch.notFound')),
    h('p', null, text),
    h('p', null, h('a', { href: '/' }, t('common.backHome'))),
  );
}
