import type { SeededArea } from './seed-comments.ts';

interface Reply {
  rpid: number;
  root: number;
  parent: number;
  dialog: number;
  rcount: number;
  replies: Reply[] | null;
  content: { message: string };
}

interface Page {
  code: number;
  data?: { page: { count: number; acount?: number }; replies: Reply[] };
}

/**
 * Reads a seeded area back through the API: the counts, the newest roots, a preview, and the busy
 * thread's level-2 / level-3 fields. Returns the disagreements (empty when the seed is what posting
 * through the API would have produced), or 'missing' when the build has no comment list yet.
 */
export async function verifySeed(
  url: string,
  cookie: string,
  area: SeededArea,
): Promise<string[] | 'missing'> {
  const get = async (path: string): Promise<{ status: number; body: Page }> => {
    const response = await fetch(url + path, { headers: { cookie } });
    return { status: response.status, body: (await response.json()) as Page };
  };
  const list = await get(`/x/v2/reply?type=${area.type}&oid=${area.oid}&ps=20&pn=1`);
  if (list.status === 404) return 'missing';
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted)
      problems.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
  };
  const data = list.body.data;
  expect('code', list.body.code, 0);
  expect('page.count', data?.page.count, area.roots);
  expect('page.acount', data?.page.acount, area.total);
  expect('replies.length', data?.replies.length, Math.min(20, area.roots));
  const first = data?.replies[0];
  expect('newest root', first?.rpid, area.busyRoot);
  expect('busy root rcount', first?.rcount, area.busyReplies);
  expect('busy root has previews', (first?.replies?.length ?? 0) > 0, true);
  expect('preview root', first?.replies?.[0]?.root, area.busyRoot);
  const second = data?.replies[1];
  expect('second root', second?.rpid, area.busyRoot - 1);
  expect('second root rcount', second?.rcount, (area.roots - 1) % 4);
  const thread = await get(
    `/x/v2/reply/reply?type=${area.type}&oid=${area.oid}&root=${area.busyRoot}&ps=20&pn=1`,
  );
  const t = thread.body.data;
  expect('thread code', thread.body.code, 0);
  expect('thread page.count', t?.page.count, area.busyReplies);
  const [r4, r5] = [t?.replies[3], t?.replies[4]];
  expect('level-2 parent', r4?.parent, area.busyRoot);
  expect('level-2 dialog', r4?.dialog, r4?.rpid);
  expect('level-3 parent', r5?.parent, r4?.rpid);
  expect('level-3 dialog', r5?.dialog, r4?.rpid);
  expect('level-3 message prefix', r5?.content.message.startsWith('回复 @'), true);
  return problems;
}
