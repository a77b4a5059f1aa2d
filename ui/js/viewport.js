// The virtual list's arithmetic, kept free of the DOM so that it can be unit-tested: which
// rows a scroll position shows (with a margin), where the selection moves on a key, and
// how far to scroll to keep a row in view.

export const ROW = 36;
export const MARGIN = 12;

/** [first, end) of the rows to have in the DOM for this scroll position and height. */
export function visibleRange(scrollTop, height, row = ROW, margin = MARGIN) {
  const first = Math.floor(scrollTop / row);
  const count = Math.ceil(height / row) + 1;
  return [Math.max(0, first - margin), first + count + margin];
}

/** The rows of [start, end) that a view of `total` rows lacks in `have`. */
export function missing(have, start, end, total) {
  for (let i = start; i < Math.min(end, total); i += 1) if (!have.has(i)) return true;
  return false;
}

/** Where the selection goes on `key` (undefined: the key does not move it). */
export function moveSelection(key, selected, total, height, row = ROW) {
  const page = Math.max(1, Math.floor(height / row) - 1);
  const target = {
    ArrowDown: selected + 1,
    ArrowUp: selected - 1,
    Home: 0,
    End: total - 1,
    PageDown: selected + page,
    PageUp: selected - page,
  }[key];
  if (target === undefined) return undefined;
  return clamp(target, total);
}

export function clamp(i, total) {
  return Math.max(0, Math.min(total - 1, i));
}

/** The scrollTop that brings row `i` into view, or the current one when it is. */
export function scrollFor(i, scrollTop, height, row = ROW) {
  const top = i * row;
  if (top < scrollTop) return top;
  if (top + row > scrollTop + height) return top + row - height;
  return scrollTop;
}
