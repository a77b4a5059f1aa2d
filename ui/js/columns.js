// The file list's columns: Size and Modified can be made wider or narrower by dragging the
// line at their start edge, or with the arrow keys on it (it is a focusable separator);
// Name takes the rest. The widths are kept for the next start (in the web view's local
// storage, names of columns and pixels only). And the filter and search boxes grow to fit
// their placeholder, whatever the language.

const KEPT = 'dropdesk.columns';
const DEFAULTS = { size: 100, modified: 150 };
const MIN = 60;
const MAX = 400;
const STEP = 10;

function kept() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEPT) ?? '{}');
    return Object.fromEntries(Object.entries(DEFAULTS).map(([k, d]) => {
      const w = Number(saved[k]);
      return [k, Number.isFinite(w) ? Math.min(MAX, Math.max(MIN, w)) : d];
    }));
  } catch {
    return { ...DEFAULTS };
  }
}

/** Make the separators in `head` resize the columns of `listing` (the element whose CSS
 * variables `--col-size` and `--col-modified` the list head and rows use). */
export function createColumns({ listing, head }) {
  const widths = kept();

  function apply(column, width, save) {
    widths[column] = Math.round(Math.min(MAX, Math.max(MIN, width)));
    listing.style.setProperty(`--col-${column}`, `${widths[column]}px`);
    const handle = head.querySelector(`[data-resize="${column}"]`);
    handle?.setAttribute('aria-valuenow', String(widths[column]));
    if (save) {
      try { localStorage.setItem(KEPT, JSON.stringify(widths)); } catch { /* kept for this run */ }
    }
  }

  for (const handle of head.querySelectorAll('[data-resize]')) {
    const column = handle.dataset.resize;
    handle.setAttribute('aria-valuemin', String(MIN));
    handle.setAttribute('aria-valuemax', String(MAX));
    apply(column, widths[column], false);
    // The edge is at the column's start (its left, or right when right-to-left): moving
    // it toward Name makes the column wider. How a move to the right changes the width:
    const rightward = () => (getComputedStyle(head).direction === 'rtl' ? 1 : -1);
    handle.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      const from = e.clientX;
      const start = widths[column];
      const move = (m) => apply(column, start + (m.clientX - from) * rightward(), false);
      const end = () => {
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', end);
        handle.removeEventListener('pointercancel', end);
        apply(column, widths[column], true);
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', end);
      handle.addEventListener('pointercancel', end);
    });
    handle.addEventListener('keydown', (e) => {
      const by = { ArrowLeft: -rightward(), ArrowRight: rightward() }[e.key];
      if (e.key === 'Home' || e.key === 'End' || by !== undefined) {
        const to = e.key === 'Home' ? DEFAULTS[column] : e.key === 'End' ? MAX
          : widths[column] + by * STEP;
        apply(column, to, true);
        e.preventDefault();
        e.stopPropagation();
      }
    });
    handle.addEventListener('dblclick', () => apply(column, DEFAULTS[column], true));
  }
}

/** Let each input in `inputs` be wide enough for its whole placeholder. */
export function fitPlaceholders(inputs) {
  const canvas = document.createElement('canvas').getContext('2d');
  for (const input of inputs) {
    const style = getComputedStyle(input);
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = canvas.measureText(input.placeholder).width;
    const edges = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']
      .reduce((sum, p) => sum + parseFloat(style[p]), 0);
    // Room for the clear button a search box shows once it has text.
    const clear = input.type === 'search' ? 20 : 0;
    input.style.minWidth = `${Math.ceil(text + edges + clear + 2)}px`;
  }
}
