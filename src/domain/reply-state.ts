/**
 * A comment's `state` as stored: visible, or deleted (by its author, the area owner, an operator, or with
 * its root).
 */
export const ReplyState = { Visible: 0, Deleted: 1 } as const;

/** A vote's `value` as stored, which is also the `action` listings show: 1 like, 2 dislike. */
export const VoteValue = { Like: 1, Hate: 2 } as const;
