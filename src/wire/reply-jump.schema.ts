import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';
import { Nullable, ReplyItem, ReplyListData } from './reply.schema.ts';

/**
 * `data` of GET /x/v2/reply/jump (CONTRACT.md §20): the `/x/v2/reply` page that holds the comment, plus
 * `root`: the comment's root when the located comment is a reply (null for a level-1 comment).
 */
export const ReplyJumpData = Wire({ ...ReplyListData.properties, root: Nullable(ReplyItem) });
export type ReplyJumpData = Static<typeof ReplyJumpData>;
