import { shownUser } from '../domain/account-rules.ts';
import { mentionCandidates, resolveMentions } from '../domain/mentions.ts';
import { checkMessage } from '../domain/message-rules.ts';
import { OTHER_REASON, otherReasonContentOk } from '../domain/report-reasons.ts';
import type { Placement, ThreadNode } from '../domain/thread.ts';
import { place, requestedThread, withReplyPrefix } from '../domain/thread.ts';
import { BiliError, badParam } from '../errors.ts';
import type { AreaRow } from '../store/repositories/area.repository.ts';
import type { CommentInserts } from '../store/repositories/comment-insert.repository.ts';
import { ReplyState, VoteValue, duplicateKey } from '../store/repositories/reply.repository.ts';
import type { DuplicateClaim, ReplyRow } from '../store/repositories/reply.repository.ts';
import { NoticeKind } from '../store/repositories/notice.repository.ts';
import type { NoticeTarget } from '../store/repositories/notice.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { BatchingOptions, Repositories, Store } from '../store/store.ts';
import type { CatalogService } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import type { CommentLimits } from './comment-limits.ts';
import type { OutboxService, PendingEvent } from './outbox.service.ts';
import { NO_EVENTS } from './toolkit/events.ts';
import type { DomainEvents } from './toolkit/events.ts';

/** What reply/add needs from the sensitive-word list (SensitiveWordService). */
export interface SensitiveMatcher {
  containsSensitive(message: string): Promise<boolean>;
}

export interface AreaAddress {
  type: number;
  oid: number;
}

export interface NewReplyInput extends AreaAddress {
  /** 0 when absent. */
  root: number;
  /** 0 when absent. */
  parent: number;
  message: string;
  plat: number;
}

export interface TargetInput extends AreaAddress {
  rpid: number;
}

export interface ReportInput extends TargetInput {
  reason: number;
  content: string;
}

/** Who deletes: a signed-in user (author or area owner) or an operator through the admin API. */
export type Deleter = { kind: 'user'; mid: number } | { kind: 'operator' };

export interface ReplyWriteOptions {
  duplicateWindowSeconds: number;
  /** Group commit of the add transactions on SQLite (see SqliteCommentInserts). */
  groupCommit: BatchingOptions;
}

/**
 * The six comment actions (CONTRACT.md §4, DESIGN.md §4). Each checks, in order: area (12009 / -404 /
 * 12002), permission, the target, the rules; then writes the row and every counter it moves in ONE
 * transaction.
 */
export class ReplyService {
  /** The store's add path: group commit, one-statement roots and rpid-collision retries live there. */
  private readonly inserts: CommentInserts;
  /** The toolkit journal's event bus (services.ts sets it). */
  events: DomainEvents = NO_EVENTS;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly catalog: CatalogService,
    private readonly sensitive: SensitiveMatcher,
    private readonly limits: CommentLimits,
    private readonly options: ReplyWriteOptions,
    /** Outbound notifications (webhooks, e-mail): events are written in the write's own transaction. */
    private readonly outbox?: OutboxService,
  ) {
    this.inserts = store.createCommentInserts(options.groupCommit);
  }

  /**
   * reply/add: returns the stored row and its area. Emote escapes are stored as typed and resolved when
   * shown (ReplyQueryService), so an emote's URL follows the current public URL and package set.
   */
  async add(
    author: UserRow,
    input: NewReplyInput,
    options: { operatorSeed?: boolean } = {},
  ): Promise<{ row: ReplyRow; area: AreaRow }> {
    const area = await this.writableArea(input);
    const checked = checkMessage(input.message);
    if (!checked.ok) {
      throw checked.problem === 'empty' ? badParam('message', '不能为空') : new BiliError(12025);
    }
    const { placement, parentRow } = await this.placement(area, input.root, input.parent);
    let message = checked.message;
    if (placement.level === 3) {
      const target = await this.replyAuthorName(parentRow);
      message = withReplyPrefix(message, target);
    }
    // Only the author's own words are screened: the prefix carries another user's name.
    if (await this.sensitive.containsSensitive(checked.message)) throw new BiliError(12016);

    const now = nowSeconds(this.clock);
    const windowSeconds = this.options.duplicateWindowSeconds;
    // The rule is decided by the claim inside the insert (atomic across requests and nodes); the read
    // before it answers a plain repeat without spending a rate-limit point, as before the claims existed,
    // so it is skipped when no point would be spent (the claim alone gives the same answer).
    const claim: DuplicateClaim | undefined =
      windowSeconds > 0
        ? { key: duplicateKey(area, author.mid, placement.parent, message), windowSeconds }
        : undefined;
    // The operator's own seeding (the demo) is not a visitor posting: the per-user rate limits do not apply.
    const limited = !options.operatorSeed && this.limits.limitsComments;
    if (limited && claim && (await this.store.replies.hasRecentDuplicate(claim.key, now - windowSeconds))) {
      throw new BiliError(12051);
    }
    if (limited && !(await this.limits.allowComment(author.mid))) throw new BiliError(-509);

    const mentions = await this.mentionedMids(message);
    const byOwner = author.mid === area.owner_mid;
    const mentionsColumn = mentions.length > 0 ? JSON.stringify(mentions) : '';
    const noticed = noticeTargets(author, area, placement, parentRow, mentions);
    const events = this.commentEvents(author, area, placement, message, now, noticed);
    // Claim, counters, row, notices and events in one transaction (the store's CommentInserts); a
    // duplicate or a root deleted meanwhile keeps none of them.
    const row = await this.inserts.add(
      {
        area: { type: area.type, oid: area.oid },
        level: placement.level,
        root: placement.root,
        parent: placement.parent,
        dialog: placement.level === 3 ? placement.dialog : 0,
        byOwner,
        mid: author.mid,
        message,
        plat: input.plat,
        mentions: mentionsColumn,
        ctime: now,
      },
      { claim, notices: noticed, events },
    );
    if (row === 'duplicate') throw new BiliError(12051);
    if (row === 'root-gone') throw new BiliError(12006);
    this.catalog.areaChanged(area);
    if (this.events.active) this.posted(author.mid, row, noticed);
    return { row, area };
  }

  private posted(
    actor: number,
    row: ReplyRow,
    noticed: readonly { recipient: number; kind: number }[],
  ): void {
    const ref = { type: row.type, oid: row.oid, rpid: row.rpid, root: row.root, parent: row.parent };
    this.events.emit('comment.posted', actor, ref);
    for (const n of noticed)
      this.events.emit('notice.created', actor, { ...ref, recipient: n.recipient, kind: n.kind });
  }

  /** reply/action (`kind` like) and reply/hate (`kind` hate): mutually exclusive per user and comment. */
  async vote(voter: UserRow, input: TargetInput & { action: number }, kind: 'like' | 'hate'): Promise<void> {
    const area = await this.writableArea(input);
    if (input.action !== 0 && input.action !== 1) throw new BiliError(12011);
    const liked = await this.visibleReply(area, input.rpid);
    const mine = kind === 'like' ? VoteValue.Like : VoteValue.Hate;
    // The author's own likes, and a banned voter's, notify nobody.
    const notifies = voter.mid !== liked.mid && !voter.banned;
    const other = kind === 'like' ? VoteValue.Hate : VoteValue.Like;
    const isOwner = voter.mid === area.owner_mid;
    const now = nowSeconds(this.clock);
    const likes =
      kind === 'like' && input.action === 1 && this.outbox?.wants('comment.liked') ? this.outbox : null;
    await this.store.transaction(async (tx) => {
      // Each step is one conditional statement, so two racing requests of the same user can never count
      // a vote twice: the primary key of reply_votes decides which one took effect.
      const removedMine = input.action === 0 && (await tx.replies.removeVote(input.rpid, voter.mid, mine));
      const removedOther = input.action === 1 && (await tx.replies.removeVote(input.rpid, voter.mid, other));
      const added = input.action === 1 && (await tx.replies.addVote(input.rpid, voter.mid, mine, now));
      const delta = (added ? 1 : 0) - (removedMine ? 1 : 0);
      const otherDelta = removedOther ? -1 : 0;
      let upLike: boolean | undefined;
      if (isOwner) {
        if (kind === 'like' && input.action === 1) upLike = true;
        else if ((kind === 'like' && removedMine) || (kind === 'hate' && removedOther)) upLike = false;
      }
      const likeDelta = kind === 'like' ? delta : otherDelta;
      await tx.replies.adjustVotes(input.rpid, likeDelta, kind === 'like' ? otherDelta : delta, upLike);
      // The like card moves with the like itself: an unlike takes the liker off the card.
      if (notifies && likeDelta > 0) {
        await tx.notices.addLike(liked.rpid, now);
      } else if (notifies && likeDelta < 0) {
        await tx.notices.removeLike(liked.rpid);
      }
      if (likes && likeDelta > 0) {
        const payload = { ...commentRef(liked), author_mid: liked.mid, mid: voter.mid, uname: voter.uname };
        await tx.outbox.insertEvents([likes.row(likes.event('comment.liked', payload), now)]);
      }
    });
    this.catalog.areaChanged(area);
    if (this.events.active)
      this.events.emit('vote.changed', voter.mid, { rpid: input.rpid, kind, action: input.action });
  }

  /** reply/del, and the operator's delete. Deleting a root hides its whole thread. */
  async delete(
    by: Deleter,
    input: TargetInput,
    /** Runs last in the delete's transaction (the operator's audit row), so both or neither happen. */
    alongside?: (tx: Repositories) => Promise<void>,
  ): Promise<void> {
    const area =
      by.kind === 'operator'
        ? await this.catalog.getArea(input.type, input.oid)
        : await this.writableArea(input);
    const row = await this.store.replies.find(input.rpid);
    if (!row || row.type !== area.type || row.oid !== area.oid) throw new BiliError(-404);
    if (by.kind === 'user' && by.mid !== row.mid && by.mid !== area.owner_mid) throw new BiliError(-403);
    if (row.state !== ReplyState.Visible) throw new BiliError(12022);
    const deleted = this.outbox?.wants('comment.deleted')
      ? this.outbox.event('comment.deleted', {
          ...commentRef(row),
          mid: row.mid,
          by: by.kind,
          deleter_mid: by.kind === 'user' ? by.mid : 0,
        })
      : undefined;
    await this.store.transaction(async (tx) => {
      // The duplicate claim first, as an add locks it first (else an add and a delete of the same text
      // deadlock on PostgreSQL). A deleted comment no longer blocks its text being posted again.
      await tx.replies.releaseDuplicate(duplicateKey(area, row.mid, row.parent, row.message), row.ctime);
      // A reply's root row is locked before the reply's own: the order in which deleting the root locks
      // them (root, then its thread), else the two at once deadlock on PostgreSQL.
      if (row.root !== 0) await tx.replies.adjustRcount(row.root, -1);
      if (!(await tx.replies.markDeleted(row.rpid))) throw new BiliError(12022);
      if (row.root === 0) {
        const hidden = await tx.replies.markThreadDeleted(area, row.rpid);
        await tx.replies.adjustAreaCounts(area, -1, -(1 + hidden));
        await tx.notices.deleteByThread(area, row.rpid);
      } else {
        await tx.replies.adjustAreaCounts(area, 0, -1);
        await tx.notices.deleteBySource(row.rpid);
      }
      if (deleted && this.outbox) await tx.outbox.insertEvents([this.outbox.row(deleted)]);
      if (alongside) await alongside(tx);
    });
    this.catalog.areaChanged(area);
  }

  /** reply/top: the area owner pins (action 1) or unpins (0) a level-1 comment; one pin per area. */
  async pin(actor: UserRow, input: TargetInput & { action: number }): Promise<void> {
    const area = await this.writableArea(input);
    if (actor.mid !== area.owner_mid) throw new BiliError(-403);
    const row = await this.visibleReply(area, input.rpid);
    if (row.root !== 0) throw new BiliError(12030);
    if (input.action === 0) {
      if (row.pinned) await this.store.replies.setPinned(row.rpid, false);
      this.catalog.areaChanged(area);
      return;
    }
    const current = await this.store.replies.findPinned(area);
    if (current?.rpid === row.rpid) return;
    if (current) throw new BiliError(12029);
    const pinned = await this.store.replies.pin(row.rpid);
    // Deleted since it was read: the delete won the race.
    if (pinned === 'not-found') throw new BiliError(12006);
    // Another node pinned a comment between the check and the write; the unique index refused ours.
    if (pinned === 'taken') throw new BiliError(12029);
    this.catalog.areaChanged(area);
  }

  /** reply/report: kept for moderation; one report per user and comment. */
  async report(reporter: UserRow, input: ReportInput): Promise<void> {
    const area = await this.writableArea(input);
    await this.visibleReply(area, input.rpid);
    const content = input.content.trim();
    if (input.reason === OTHER_REASON && !otherReasonContentOk(content)) throw new BiliError(12077);
    if (!(await this.limits.allowReport(reporter.mid))) throw new BiliError(12019);
    const report = {
      rpid: input.rpid,
      mid: reporter.mid,
      type: area.type,
      oid: area.oid,
      reason: input.reason,
      content: input.reason === OTHER_REASON ? content : '',
      created_at: nowSeconds(this.clock),
    };
    const outbox = this.outbox?.wants('comment.reported') ? this.outbox : undefined;
    if (!outbox) {
      if ((await this.store.replyReports.insert(report)) === 'duplicate') throw new BiliError(12008);
      return;
    }
    const event = outbox.event('comment.reported', { ...report, uname: reporter.uname });
    await this.store.transaction(async (tx) => {
      // A repeat report writes nothing, and its event neither.
      if ((await tx.replyReports.insert(report)) === 'duplicate') throw new BiliError(12008);
      await tx.outbox.insertEvents([outbox.row(event, report.created_at)]);
    });
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** The area of a write: 12009 / -404 / 12002 (closed). */
  private async writableArea(address: AreaAddress): Promise<AreaRow> {
    const area = await this.catalog.getArea(address.type, address.oid);
    if (area.closed) throw new BiliError(12002);
    return area;
  }

  /** A visible comment of this area, or 12006. */
  private async visibleReply(area: AreaRow, rpid: number): Promise<ReplyRow> {
    const row = await this.store.replies.find(rpid);
    if (!row || row.state !== ReplyState.Visible || row.type !== area.type || row.oid !== area.oid) {
      throw new BiliError(12006);
    }
    return row;
  }

  /** Where the new comment goes, and the comment it answers (undefined for a level-1 comment). */
  private async placement(
    area: AreaRow,
    root: number,
    parent: number,
  ): Promise<{ placement: Placement; parentRow: ReplyRow | undefined }> {
    const requested = requestedThread(root, parent);
    if (!requested) return { placement: { level: 1, root: 0, parent: 0 }, parentRow: undefined };
    const rows = await this.store.replies.findMany(
      [requested.root, requested.parent].filter((rpid) => rpid > 0),
    );
    const parentRow = rows.get(requested.parent);
    // Only `parent` was sent: its root is needed too.
    if (requested.root === 0 && parentRow && parentRow.root !== 0 && !rows.has(parentRow.root)) {
      const rootRow = await this.store.replies.find(parentRow.root);
      if (rootRow) rows.set(rootRow.rpid, rootRow);
    }
    const rootRpid = requested.root || parentRow?.root || requested.parent;
    const placed = place(area, requested, node(rows.get(rootRpid)), node(parentRow));
    if (!placed) throw new BiliError(12006);
    return { placement: placed, parentRow: rows.get(placed.parent) };
  }

  private async replyAuthorName(row: ReplyRow | undefined): Promise<string> {
    const user = row ? await this.store.users.findByMid(row.mid) : undefined;
    return user ? shownUser(user).uname : '';
  }

  private async mentionedMids(message: string): Promise<number[]> {
    const candidates = mentionCandidates(message);
    if (candidates.length === 0) return [];
    const users = await this.store.users.findByUnames(candidates);
    const byName = new Map(users.map((u) => [u.uname, u.mid]));
    return resolveMentions(message, new Set(byName.keys())).map((name) => byName.get(name)!);
  }

  /**
   * The outbox events of a new comment (docs/webhooks.md), only those some endpoint or e-mail wants: one
   * `comment.posted` (level 1) or `comment.replied`, and one `comment.mentioned` when it @-mentions anyone.
   * Their payloads lack `rpid` and `floor`, which the insert adds.
   */
  private commentEvents(
    author: UserRow,
    area: AreaRow,
    placement: Placement,
    message: string,
    ctime: number,
    noticed: readonly NoticeTarget[],
  ): PendingEvent[] {
    const outbox = this.outbox;
    if (!outbox) return [];
    const mainType = placement.level === 1 ? 'comment.posted' : 'comment.replied';
    const wantsMain = outbox.wants(mainType);
    const mentioned = noticed.filter((n) => n.kind === NoticeKind.At).map((n) => n.recipient);
    const wantsMentioned = mentioned.length > 0 && outbox.wants('comment.mentioned');
    if (!wantsMain && !wantsMentioned) return [];
    // The payload's text is written here, once per comment: its strings go through JSON.stringify, its
    // numbers are integers; the insert appends `rpid` and `floor` (docs/webhooks.md lists the fields).
    const base =
      `{"type":${area.type},"oid":${area.oid},"root":${placement.root},"parent":${placement.parent},` +
      `"mid":${author.mid},"uname":${JSON.stringify(author.uname)},"message":${JSON.stringify(message)},` +
      `"ctime":${ctime},"recipients":[`;
    const events: PendingEvent[] = [];
    if (wantsMain) {
      const replied = noticed.filter((n) => n.kind === NoticeKind.Reply).map((n) => n.recipient);
      events.push(outbox.eventFromJson(mainType, `${base}${replied.join(',')}]}`));
    }
    if (wantsMentioned) {
      events.push(outbox.eventFromJson('comment.mentioned', `${base}${mentioned.join(',')}]}`));
    }
    return events;
  }
}

/**
 * Who a new comment notifies (CONTRACT.md §15): the author of the comment it answers, or the area owner
 * for a level-1 comment; and everyone else it @-mentions. Never the author; nobody when the author is
 * banned.
 */
function noticeTargets(
  author: UserRow,
  area: AreaRow,
  placement: Placement,
  answered: ReplyRow | undefined,
  mentions: readonly number[],
): NoticeTarget[] {
  if (author.banned) return [];
  const targets: NoticeTarget[] = [];
  const repliedTo = placement.level === 1 || !answered ? area.owner_mid : answered.mid;
  if (repliedTo !== author.mid) targets.push({ recipient: repliedTo, kind: NoticeKind.Reply });
  // A deep reply's `回复 @<uname> :` prefix names the replied-to author, who has the reply notice already.
  const prefixed = placement.level === 3 ? repliedTo : undefined;
  for (const mid of new Set(mentions)) {
    if (mid !== author.mid && mid !== prefixed) targets.push({ recipient: mid, kind: NoticeKind.At });
  }
  return targets;
}

/** How an event names a comment. */
function commentRef(row: ReplyRow): { rpid: number; type: number; oid: number; root: number } {
  return { rpid: row.rpid, type: row.type, oid: row.oid, root: row.root };
}

function node(row: ReplyRow | undefined): ThreadNode | undefined {
  return row
    ? {
        rpid: row.rpid,
        type: row.type,
        oid: row.oid,
        root: row.root,
        dialog: row.dialog,
        visible: row.state === ReplyState.Visible,
      }
    : undefined;
}
