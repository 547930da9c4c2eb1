/**
 * Comments exported by other comment systems (Waline's JSON export, Artalk's Artrans), read into one
 * neutral shape and arranged into Replay threads (docs/data.md "Importing comments"). Pure: the store
 * writes the plan in one transaction.
 */

export type CommentSource = 'waline' | 'artalk';

export interface SourceAuthor {
  /** What makes two comments the same author: the source's user id, else the e-mail, else the name. */
  key: string;
  name: string;
  face: string;
}

export interface SourceComment {
  /** `record N` (1-based position in the file's comment list), for error messages. */
  record: number;
  id: string;
  /** The comment it answers, or null for a top-level comment. */
  parentId: string | null;
  page: string;
  author: SourceAuthor;
  message: string;
  /** Unix seconds. */
  ctime: number;
  likes: number;
  dislikes: number;
  pinned: boolean;
  /** False for comments the source holds back (pending review, spam): not imported. */
  visible: boolean;
}

export class CommentImportError extends Error {}

const MAX_ERRORS = 20;

/** Collects problems so one run reports every bad record (up to a limit), not just the first. */
class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push(message);
  }
  throwIfAny(what: string): void {
    if (this.list.length) {
      throw new CommentImportError(`${what}:\n  ${this.list.join('\n  ')}`);
    }
  }
}

/** JSON.parse with the line (and column) of a syntax error. */
export function parseJsonFile(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    let where = '';
    if (lineCol) where = `line ${lineCol[1]}, column ${lineCol[2]}`;
    else if (at) {
      const before = text.slice(0, Number(at[1]));
      const line = before.split('\n').length;
      where = `line ${line}, column ${Number(at[1]) - before.lastIndexOf('\n')}`;
    }
    throw new CommentImportError(`${name}: not valid JSON${where ? ` (${where})` : ''}: ${message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

const count = (v: unknown): number | null => {
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
};

/** Unix seconds of an ISO date, a `2006-01-02 15:04:05 +0800` date (Artalk), or milliseconds. */
export function parseTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v > 1e11 ? v / 1000 : v);
  if (isObject(v) && typeof v.iso === 'string') return parseTime(v.iso);
  if (typeof v !== 'string' || v.trim() === '') return null;
  const s = v.trim();
  const go = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?/.exec(s);
  if (go) {
    const zone =
      go[4] === undefined ? 'Z' : go[4] === 'Z' ? 'Z' : go[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    const ms = Date.parse(`${go[1]}T${go[2]}${go[3] ?? ''}${zone}`);
    return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Waline stores rendered HTML; Replay stores the plain text a Bilibili client shows. */
export function htmlToText(html: string): string {
  return html
    .replace(/^\s*(<p>\s*)?<a [^>]*class="at"[^>]*>[^<]*<\/a>\s*[,:，：]?\s*/i, '$1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<img\b[^>]*\balt="([^"]*)"[^>]*>/gi, (_, alt: string) => (alt ? `[${alt}]` : ''))
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Waline's export (Admin → Migration → Export): `{"type":"waline","data":{"Comment":[…],"Users":[…]}}`. */
export function readWaline(doc: unknown): SourceComment[] {
  if (!isObject(doc) || !isObject(doc.data) || !Array.isArray(doc.data.Comment)) {
    throw new CommentImportError('not a Waline export: expected {"type":"waline","data":{"Comment":[…]}}');
  }
  if (doc.type !== undefined && doc.type !== 'waline') {
    throw new CommentImportError(`not a Waline export: "type" is ${JSON.stringify(doc.type)}`);
  }
  const users = new Map<string, Record<string, unknown>>();
  for (const u of Array.isArray(doc.data.Users) ? doc.data.Users : []) {
    if (isObject(u) && text(u.objectId)) users.set(text(u.objectId), u);
  }
  const problems = new Problems();
  const out: SourceComment[] = [];
  for (const [i, raw] of doc.data.Comment.entries()) {
    const record = i + 1;
    const tag = `Comment record ${record}`;
    if (!isObject(raw)) {
      problems.add(`${tag}: not an object`);
      continue;
    }
    const id = text(raw.objectId);
    const where = id ? `${tag} (objectId ${id})` : tag;
    if (!id) problems.add(`${tag}: no objectId`);
    const page = text(raw.url);
    if (!page) problems.add(`${where}: no url`);
    const ctime = parseTime(raw.insertedAt ?? raw.createdAt);
    if (ctime === null) problems.add(`${where}: insertedAt ${JSON.stringify(raw.insertedAt)} is not a date`);
    const likes = count(raw.like);
    if (likes === null) problems.add(`${where}: like ${JSON.stringify(raw.like)} is not a count`);
    const message = htmlToText(text(raw.comment));
    if (!message) problems.add(`${where}: empty comment`);
    const userId = text(raw.user_id);
    const user = userId && userId !== '0' ? users.get(userId) : undefined;
    const mail = text(raw.mail).trim().toLowerCase();
    const name = (text(user?.display_name) || text(raw.nick)).trim() || 'Anonymous';
    const key = user ? `user:${userId}` : mail ? `mail:${mail}` : `nick:${name}`;
    const parent = text(raw.pid);
    const status = text(raw.status);
    out.push({
      record,
      id,
      parentId: parent || null,
      page,
      author: { key, name, face: httpUrl(text(user?.avatar) || text(raw.avatar)) },
      message,
      ctime: ctime ?? 0,
      likes: likes ?? 0,
      dislikes: 0,
      pinned: truthy(raw.sticky),
      visible: status === '' || status === 'approved',
    });
  }
  problems.throwIfAny('the Waline export has bad records');
  return out;
}

/** Artalk's Artrans (Dashboard → Transfer → Export): an array of flat objects, values usually strings. */
export function readArtalk(doc: unknown): SourceComment[] {
  if (!Array.isArray(doc))
    throw new CommentImportError('not an Artrans file: expected a JSON array of comments');
  const problems = new Problems();
  const out: SourceComment[] = [];
  for (const [i, raw] of doc.entries()) {
    const record = i + 1;
    const tag = `record ${record}`;
    if (!isObject(raw)) {
      problems.add(`${tag}: not an object`);
      continue;
    }
    const id = text(raw.id);
    const where = id ? `${tag} (id ${id})` : tag;
    if (!id) problems.add(`${tag}: no id`);
    const page = text(raw.page_key);
    if (!page) problems.add(`${where}: no page_key`);
    const ctime = parseTime(raw.created_at);
    if (ctime === null) problems.add(`${where}: created_at ${JSON.stringify(raw.created_at)} is not a date`);
    const likes = count(raw.vote_up);
    const dislikes = count(raw.vote_down);
    if (likes === null) problems.add(`${where}: vote_up ${JSON.stringify(raw.vote_up)} is not a count`);
    if (dislikes === null)
      problems.add(`${where}: vote_down ${JSON.stringify(raw.vote_down)} is not a count`);
    const message = text(raw.content).trim();
    if (!message) problems.add(`${where}: empty content`);
    const mail = text(raw.email).trim().toLowerCase();
    const name = text(raw.nick).trim() || 'Anonymous';
    const rid = text(raw.rid);
    out.push({
      record,
      id,
      parentId: rid && rid !== '0' ? rid : null,
      page,
      author: { key: mail ? `mail:${mail}` : `nick:${name}`, name, face: '' },
      message,
      ctime: ctime ?? 0,
      likes: likes ?? 0,
      dislikes: dislikes ?? 0,
      pinned: truthy(raw.is_pinned),
      visible: !truthy(raw.is_pending),
    });
  }
  problems.throwIfAny('the Artrans file has bad records');
  return out;
}

function httpUrl(s: string): string {
  return /^https?:\/\//i.test(s) ? s : '';
}

/** Where a source page's comments go. */
export interface AreaTarget {
  type: number;
  oid: number;
  /** Owner of the area when it has to be created (types other than 1). */
  owner?: number;
}

export interface Mapping {
  pages: Map<string, AreaTarget>;
  owner?: number;
}

/**
 * The page identity used for matching: a full URL and its path match the same mapping entry, and a
 * trailing slash or `index.html` does not matter.
 */
export function pageKey(page: string): string {
  let path = page.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return path;
    }
  }
  path = path.replace(/[?#].*$/, '').replace(/\/index\.html?$/i, '/');
  if (path.length > 1) path = path.replace(/\/+$/, '');
  return path || '/';
}

/**
 * The mapping file: `{"owner"?: mid, "pages": {"<url or path>": <aid> | {"type", "oid", "owner"?}}}`.
 * A bare number is an archive (type 1).
 */
export function readMapping(doc: unknown, isAreaType: (type: number) => boolean): Mapping {
  if (!isObject(doc) || !isObject(doc.pages)) {
    throw new CommentImportError(
      'mapping: expected {"pages": {"<url or path>": <aid> | {"type": …, "oid": …}}}',
    );
  }
  const positive = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
  if (doc.owner !== undefined && !positive(doc.owner))
    throw new CommentImportError('mapping: "owner" is not a mid');
  const problems = new Problems();
  const pages = new Map<string, AreaTarget>();
  for (const [page, value] of Object.entries(doc.pages)) {
    const tag = `mapping page ${JSON.stringify(page)}`;
    let target: AreaTarget | null = null;
    if (positive(value)) target = { type: 1, oid: value as number };
    else if (isObject(value) && positive(value.type) && positive(value.oid)) {
      if (value.owner !== undefined && !positive(value.owner)) problems.add(`${tag}: "owner" is not a mid`);
      target = {
        type: value.type as number,
        oid: value.oid as number,
        ...(positive(value.owner) ? { owner: value.owner as number } : {}),
      };
    }
    if (!target) {
      problems.add(`${tag}: expected an aid or {"type": <area type>, "oid": <id>}`);
      continue;
    }
    if (!isAreaType(target.type)) problems.add(`${tag}: area type ${target.type} is not one Replay supports`);
    const key = pageKey(page);
    if (pages.has(key)) problems.add(`${tag}: the same page as another entry`);
    pages.set(key, target);
  }
  problems.throwIfAny('the mapping file has bad entries');
  return { pages, ...(doc.owner === undefined ? {} : { owner: doc.owner as number }) };
}

/** One comment placed in a thread, in the order it is to be written (parents before their replies). */
export interface PlannedComment {
  source: SourceComment;
  area: AreaTarget;
  /** The top-level comment of its thread (itself for a top-level comment). */
  rootId: string;
  /** The comment it answers (null for top-level). */
  parentId: string | null;
  /** 1 top-level, 2 reply to the top-level comment, 3 deeper. */
  level: 1 | 2 | 3;
}

export interface ImportPlan {
  comments: PlannedComment[];
  /** Held back by the source (pending, spam) or answering one that is: not imported. */
  skipped: number;
}

/**
 * Threads the comments the way Replay does: a reply's root is its top-level ancestor, however deep the
 * source nested it. Every page must be mapped and every parent present; problems name the record.
 */
export function planImport(comments: SourceComment[], mapping: Mapping): ImportPlan {
  const problems = new Problems();
  const byId = new Map<string, SourceComment>();
  for (const c of comments) {
    if (byId.has(c.id)) problems.add(`record ${c.record}: id ${c.id} appears twice`);
    byId.set(c.id, c);
  }
  const unmapped = new Map<string, number>();
  for (const c of comments) {
    if (!mapping.pages.has(pageKey(c.page)) && !unmapped.has(c.page)) unmapped.set(c.page, c.record);
  }
  for (const [page, record] of unmapped) {
    problems.add(`record ${record}: page ${JSON.stringify(page)} has no entry in the mapping file`);
  }

  const rootOf = new Map<string, { root: SourceComment; skipped: boolean } | null>();
  const resolve = (c: SourceComment): { root: SourceComment; skipped: boolean } | null => {
    const known = rootOf.get(c.id);
    if (known !== undefined) return known;
    const chain: SourceComment[] = [];
    const onChain = new Set<string>();
    let cursor: SourceComment = c;
    let result: { root: SourceComment; skipped: boolean } | null;
    for (;;) {
      const cached = rootOf.get(cursor.id);
      if (cached !== undefined) {
        result = cached && { root: cached.root, skipped: cached.skipped || !cursor.visible };
        break;
      }
      if (onChain.has(cursor.id)) {
        problems.add(`record ${cursor.record}: its replies form a cycle`);
        result = null;
        break;
      }
      chain.push(cursor);
      onChain.add(cursor.id);
      if (cursor.parentId === null) {
        result = { root: cursor, skipped: false };
        break;
      }
      const parent = byId.get(cursor.parentId);
      if (!parent) {
        problems.add(`record ${cursor.record}: answers ${cursor.parentId}, which is not in the file`);
        result = null;
        break;
      }
      if (parent.page !== cursor.page && pageKey(parent.page) !== pageKey(cursor.page)) {
        problems.add(`record ${cursor.record}: answers ${parent.id}, a comment on another page`);
        result = null;
        break;
      }
      cursor = parent;
    }
    // Walk back down: a comment is skipped when it or any ancestor is held back.
    for (const node of chain.reverse()) {
      if (result) result = { root: result.root, skipped: result.skipped || !node.visible };
      rootOf.set(node.id, result);
    }
    return rootOf.get(c.id) ?? null;
  };

  const planned: PlannedComment[] = [];
  let skipped = 0;
  for (const c of comments) {
    const r = resolve(c);
    if (!r) continue;
    if (r.skipped) {
      skipped++;
      continue;
    }
    const area = mapping.pages.get(pageKey(c.page));
    if (!area) continue;
    const level = c.parentId === null ? 1 : c.parentId === r.root.id ? 2 : 3;
    planned.push({ source: c, area, rootId: r.root.id, parentId: c.parentId, level });
  }
  problems.throwIfAny('cannot import');
  // Parents before replies, each thread and area in time order. A reply dated before the comment it
  // answers (clock skew at the source) is ordered right after it instead; ties go by depth, then record.
  const planById = new Map(planned.map((p) => [p.source.id, p]));
  const order = new Map<string, { at: number; depth: number }>();
  const orderOf = (p: PlannedComment): { at: number; depth: number } => {
    const known = order.get(p.source.id);
    if (known) return known;
    const parent = p.parentId === null ? undefined : planById.get(p.parentId);
    const up = parent ? orderOf(parent) : { at: 0, depth: 0 };
    const mine = { at: Math.max(p.source.ctime, up.at), depth: up.depth + 1 };
    order.set(p.source.id, mine);
    return mine;
  };
  planned.sort((a, b) => {
    const x = orderOf(a);
    const y = orderOf(b);
    return x.at - y.at || x.depth - y.depth || a.source.record - b.source.record;
  });
  return { comments: planned, skipped };
}
