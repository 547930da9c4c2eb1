import type { CommentScope } from './comment-actions.ts';

/**
 * Keeps `parent`'s children in step with a list of wire objects, one node per object (by identity): nodes
 * of objects still listed stay as they are (with their focus, open boxes and subscriptions), new objects
 * get a node, and the nodes of objects that left are removed and their subscriptions ended. A page load
 * brings new objects, so it renders afresh; a post or a delete touches one node.
 */
export function keyedList<T extends object>(
  parent: Element,
  scope: CommentScope,
  render: (item: T, scope: CommentScope) => Node,
): (items: readonly T[], placeholder?: Node) => void {
  let rows = new Map<T, { node: Node; scope: CommentScope }>();
  return (items, placeholder) => {
    const next = new Map<T, { node: Node; scope: CommentScope }>();
    for (const item of items) {
      const row = rows.get(item);
      if (row) next.set(item, row);
      else {
        const child = scope.child();
        next.set(item, { node: render(item, child), scope: child });
      }
    }
    for (const [item, row] of rows) {
      if (next.has(item)) continue;
      row.scope.dispose();
      row.node.parentNode?.removeChild(row.node);
    }
    rows = next;
    let cursor = parent.firstChild;
    for (const { node } of next.values()) {
      if (node === cursor) cursor = cursor.nextSibling;
      else parent.insertBefore(node, cursor);
    }
    while (cursor) {
      const stale = cursor;
      cursor = cursor.nextSibling;
      parent.removeChild(stale);
    }
    if (placeholder && next.size === 0) parent.append(placeholder);
  };
}
