// Which rows are selected, as file managers do it: a click selects one row, Ctrl+click
// adds or removes one, Shift+click (or Shift+arrows) selects the range from the anchor,
// Ctrl+A selects every row. Rows are positions in the folder's sorted, filtered view;
// when that view changes, the selection falls back to the focused row. Pure: no DOM.

export function createSelection() {
  let picked = new Set([0]);
  let anchor = 0;
  let all = false;

  return {
    /** Only row `i`. */
    only(i) { picked = new Set([i]); anchor = i; all = false; },
    /** Add row `i`, or remove it when selected (Ctrl+click, Ctrl+Space). */
    toggle(i, total) {
      if (all) { picked = new Set(Array.from({ length: total }, (_, k) => k)); all = false; }
      if (picked.has(i) && picked.size > 1) picked.delete(i); else picked.add(i);
      anchor = i;
    },
    /** The range from the anchor to row `i` (Shift). */
    extend(i) {
      const [a, b] = anchor <= i ? [anchor, i] : [i, anchor];
      picked = new Set(Array.from({ length: b - a + 1 }, (_, k) => a + k));
      all = false;
    },
    selectAll() { all = true; },
    has(i) { return all || picked.has(i); },
    /** The selected rows, in order. */
    rows(total) {
      if (all) return Array.from({ length: total }, (_, k) => k);
      return [...picked].filter((i) => i < total).sort((a, b) => a - b);
    },
  };
}
