/** Wire types of the comment endpoints: the `Static<>` types of their schemas in `src/wire/`. */
export type {
  CardLabel,
  PreviewReply,
  ReplyAddData,
  ReplyConfig,
  ReplyContent,
  ReplyControl,
  ReplyCountData,
  ReplyDialogData,
  ReplyFolder,
  ReplyHotData,
  ReplyItem,
  ReplyItemControl,
  ReplyLevelInfo,
  ReplyListData,
  ReplyMainCursor,
  ReplyMainData,
  ReplyMember,
  ReplyMemberLite,
  ReplyNotice,
  ReplyThreadData,
  ReplyVip,
} from '../wire/reply.schema.ts';

export interface AreaParams {
  type: number;
  oid: number;
}

export interface ReplyTargetParams extends AreaParams {
  rpid: number;
}
