/**
 * Where a new comment goes (DESIGN.md §4 "Threading", CONTRACT.md §2.1): level-1 has root = parent =
 * dialog = 0; a reply to the root has parent = root and dialog = its own rpid; a deeper reply has
 * parent = the replied rpid, inherits its parent's dialog, and its message gets `回复 @<uname> :`.
 */

export interface ThreadNode {
  rpid: number;
  type: number;
  oid: number;
  root: number;
  dialog: number;
  visible: boolean;
}

export type Placement =
  | { level: 1; root: 0; parent: 0 }
  | { level: 2; root: number; parent: number }
  | { level: 3; root: number; parent: number; dialog: number };

/**
 * The rpids a request names, normalised: `parent` alone means its thread; `root` alone means a direct
 * reply to it. Returns null for a level-1 comment.
 */
export function requestedThread(root: number, parent: number): { root: number; parent: number } | null {
  if (root === 0 && parent === 0) return null;
  return { root, parent: parent === 0 ? root : parent };
}

/**
 * Checks the named root and parent against the area; null means "no such comment" (12006): missing,
 * deleted, in another area, a root that is not level-1, or a parent outside the root's thread.
 */
export function place(
  area: { type: number; oid: number },
  request: { root: number; parent: number },
  rootNode: ThreadNode | undefined,
  parentNode: ThreadNode | undefined,
): Placement | null {
  const usable = (n: ThreadNode | undefined): n is ThreadNode =>
    n !== undefined && n.visible && n.type === area.type && n.oid === area.oid;
  if (!usable(parentNode)) return null;
  // A client may send only `parent`; the root is then the parent's own root.
  const rootRpid = request.root === 0 ? parentNode.root || parentNode.rpid : request.root;
  const root = rootRpid === parentNode.rpid ? parentNode : rootNode;
  if (!usable(root) || root.root !== 0 || root.rpid !== rootRpid) return null;
  if (parentNode.rpid === root.rpid) return { level: 2, root: root.rpid, parent: root.rpid };
  if (parentNode.root !== root.rpid) return null;
  return { level: 3, root: root.rpid, parent: parentNode.rpid, dialog: parentNode.dialog };
}

/** The text a deep reply starts with; a client that already typed it does not get it twice. */
export function withReplyPrefix(message: string, targetUname: string): string {
  const prefix = `回复 @${targetUname} :`;
  return message.startsWith(prefix) ? message : prefix + message;
}
