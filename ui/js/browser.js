// The file browser: fetches folders and windows of rows from Rust (which keeps, sorts and
// filters each listing), draws only the rows in view (the arithmetic is in viewport.js,
// the row DOM in rows.js, Back/Forward in history.js, which rows are selected in
// selection.js), and wires keys and mouse as in a file manager; what is done with the
// selection is in actions.js, its preview in preview.js, renaming in place in rename.js. Benchmarks read the timing
// marks it leaves on the list.

import { createActions } from './actions.js';
import { createColumns } from './columns.js';
import { t } from './l10n.js';
import { createDeleting } from './deleting.js';
import { createMoving } from './moving.js';
import { createTrash } from './trash.js';
import { createVersions } from './versions.js';
import * as api from './api.js';
import * as fmt from './format.js';
import { createPreview } from './preview.js';
import { createRename } from './rename.js';
import { createSelection } from './selection.js';
import { createHistory } from './history.js';
import * as rows from './rows.js';
import { createSearch } from './search.js';
import * as viewport from './viewport.js';
import { openAsking } from './program-dialog.js';

const $ = (id) => document.getElementById(id);

export function createBrowser({ onProblem, onHeard, withWriteAccess }) {
  const list = $('entries');
  const spacer = $('spacer');
  const history = createHistory();
  const state = {
    path: '',
    // The folder's path_lower as asked for; `key` is Rust's answer (null while opening).
    lower: '',
    key: null,
    spec: { sort: 'name', descending: false, filter: '' },
    total: 0,
    version: -1,
    complete: false,
    rows: new Map(),
    // The focused row; `picked` is every selected row.
    selected: 0,
    picked: createSelection(),
    // Progress that arrived while the folder's open call was still on its way.
    early: [],
    // Rows a live change just added or replaced, highlighted for a moment.
    fresh: new Set(),
    typed: '',
    typedAt: 0,
    ticket: 0,
  };

  // ---- Opening folders ------------------------------------------------------------------

  // A folder is a place: its path as Dropbox displays it and its `path_lower` as Dropbox
  // gives it, which is how Rust keys it (never lower-cased here: JavaScript's lower-casing
  // is not Dropbox's).
  const here = () => ({ path: state.path, lower: state.lower });
  const parentOf = ({ path, lower }) => ({
    path: path.slice(0, path.lastIndexOf('/')),
    lower: lower.slice(0, lower.lastIndexOf('/')),
  });

  async function open(place, { history: remember = true, select: selectName } = {}) {
    const { path } = place;
    if (remember && state.key !== null && path !== state.path) history.visit(here());
    const ticket = ++state.ticket;
    // Timings for benchmarks: open → first rows on screen, open → whole listing.
    state.openedAt = performance.now();
    list.dataset.firstRowsMs = '';
    list.dataset.completeMs = '';
    renaming.cancel();
    state.path = path;
    state.lower = place.lower;
    state.key = null;
    state.early = [];
    state.rows.clear();
    state.selected = 0;
    state.picked.only(0);
    state.total = 0;
    selectionChanged();
    rows.renderCrumbs($('crumbs'), place, open);
    showNotice('');
    showSkeleton(true);
    updateNav();
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = (p) => onProgress(p);
    try {
      const [start, end] = range();
      const opened = await api.openFolder(path, place.lower, state.spec, end - start, channel);
      if (ticket !== state.ticket) return; // the user went elsewhere meanwhile
      state.path = opened.path;
      state.lower = opened.path_lower;
      state.key = opened.path_lower;
      rows.renderCrumbs($('crumbs'), here(), open);
      if (opened.notice) showNotice(opened.notice);
      list.dataset.fromCache = String(opened.from_cache);
      if (opened.first) showWindow(opened.first, true);
      else await refreshWindow(true);
      if (selectName) {
        // Opened from a search: select the item that was found.
        const found = await api.folderSeek(state.key, state.spec, selectName, 0);
        if (ticket === state.ticket && found !== null && found !== undefined) select(found);
      }
      // Changes reported before the answer arrived are not lost.
      const early = state.early;
      state.early = [];
      for (const p of early) onProgress(p);
    } catch (e) {
      if (ticket !== state.ticket) return;
      showSkeleton(false);
      onProblem(api.asProblem(e), () => open(place, { history: false }));
    }
  }

  function onProgress(p) {
    if (state.key === null) { state.early.push(p); return; }
    if (p.path_lower !== state.key) return;
    if (p.gone) { open(here(), { history: false }); return; }
    if (p.problem) onProblem(p.problem, () => open(here(), { history: false }));
    else if (p.complete && !p.saved_at) onHeard();
    if (p.fresh?.length) highlight(p.fresh);
    if (p.version !== state.version || p.complete !== state.complete) refreshWindow(true);
  }

  function highlight(paths) {
    for (const path of paths) state.fresh.add(path);
    setTimeout(() => {
      for (const path of paths) state.fresh.delete(path);
      render();
    }, 2500);
  }

  // ---- Windows of rows ------------------------------------------------------------------

  const range = () => viewport.visibleRange(list.scrollTop, list.clientHeight);

  /** Open the folder an entry is in, with it selected: `path` as Dropbox displays it,
   * `lower` its path_lower. */
  function showEntry(path, lower) {
    open(
      { path: path.slice(0, path.lastIndexOf('/')), lower: lower.slice(0, lower.lastIndexOf('/')) },
      { select: path.slice(path.lastIndexOf('/') + 1) },
    );
  }

  async function refreshWindow(reset) {
    if (state.key === null) return;
    const [start, end] = range();
    const key = state.key;
    const w = await api.folderWindow(key, state.spec, start, end - start);
    if (!w || key !== state.key) return;
    showWindow(w, reset);
  }

  function showWindow(w, reset) {
    const changed = reset || w.version !== state.version;
    if (changed) state.rows.clear();
    state.version = w.version;
    state.total = w.total;
    state.complete = w.complete;
    w.rows.forEach((r, i) => state.rows.set(w.start + i, r));
    showSkeleton(false);
    spacer.style.height = `${state.total * viewport.ROW}px`;
    if (state.selected >= state.total) state.selected = Math.max(0, state.total - 1);
    // Positions mean other rows now: only the focused row stays selected.
    if (changed) state.picked.only(state.selected);
    render();
    if (changed) selectionChanged();
    $('summary-text').textContent = rows.summary(w);
    $('loading-more').hidden = w.complete;
    $('loading-more').textContent = t('loading-more', { count: w.total });
  }

  let scrollQueued = false;
  list.addEventListener('scroll', () => {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      const [start, end] = range();
      if (viewport.missing(state.rows, start, end, state.total)) refreshWindow(false); else render();
    });
  });

  // The rows on screen by index, with the entry each shows: a row whose entry is unchanged
  // is kept and only marked, so moving the selection changes attributes, not elements, and
  // a screen reader's object for the row stays the one it announces.
  let shownRows = new Map();

  function render() {
    const [start, end] = range();
    const nodes = [];
    const kept = new Map();
    for (let i = start; i < Math.min(end, state.total); i += 1) {
      const entry = state.rows.get(i);
      if (!entry) continue;
      const selected = state.picked.has(i);
      const fresh = state.fresh.has(entry.path_lower);
      const before = shownRows.get(i);
      let li;
      if (before?.entry === entry) {
        li = before.li;
        rows.mark(li, selected, fresh, i === state.selected);
      } else {
        li = rows.row(entry, i, selected, fresh, i === state.selected);
      }
      kept.set(i, { entry, li });
      nodes.push(li);
    }
    shownRows = kept;
    const same = nodes.length === spacer.children.length && nodes.every((n, k) => spacer.children[k] === n);
    if (!same) spacer.replaceChildren(...nodes);
    renaming.follow();
    if (nodes.length && !list.dataset.firstRowsMs) {
      list.dataset.firstRowsMs = (performance.now() - state.openedAt).toFixed(1);
      if (!list.dataset.firstRowsAt) list.dataset.firstRowsAt = String(performance.timeOrigin + performance.now());
    }
    if (state.complete && !list.dataset.completeMs) list.dataset.completeMs = (performance.now() - state.openedAt).toFixed(1);
    list.dataset.total = String(state.total);
    list.dataset.complete = String(state.complete);
    list.setAttribute('aria-busy', String(!state.complete));
    const empty = state.total === 0 && state.complete;
    $('empty').hidden = !empty || state.spec.filter !== '';
    $('no-match').hidden = !(state.total === 0 && state.spec.filter !== '');
  }

  // Placeholder rows only for an open that takes a while: a quick one would just flash
  // them, and their animation keeps the window repainting while the rows are on their way.
  let skeletonTimer = null;
  // Whether the list had the keyboard when it was hidden to load: it gets it back.
  let listHadFocus = false;
  function showSkeleton(on) {
    clearTimeout(skeletonTimer);
    if (on && !list.hidden) listHadFocus = document.activeElement === list;
    list.hidden = on;
    if (!on && listHadFocus) { listHadFocus = false; list.focus(); }
    if (on) {
      $('empty').hidden = true;
      $('no-match').hidden = true;
      skeletonTimer = setTimeout(() => { $('skeleton').hidden = false; }, 150);
    } else {
      $('skeleton').hidden = true;
    }
  }

  function showNotice(text) {
    $('browser-notice').textContent = text;
    $('browser-notice').hidden = !text;
  }

  // ---- History --------------------------------------------------------------------------

  function updateNav() {
    $('back').disabled = !history.canBack();
    $('forward').disabled = !history.canForward();
    $('up').disabled = state.path === '';
  }

  function goBack() {
    const to = history.back(here());
    if (to !== undefined) open(to, { history: false });
  }

  function goForward() {
    const to = history.forward(here());
    if (to !== undefined) open(to, { history: false });
  }

  function goUp() {
    if (state.path) open(parentOf(here()));
  }

  // ---- Selection and activation ---------------------------------------------------------

  /** Focus row `i`; `how` the selection follows: `only` it, `toggle` it (Ctrl), `extend`
   * to it from the anchor (Shift), or `keep` as it is. */
  function select(i, how = 'only') {
    if (state.total === 0) return;
    state.selected = viewport.clamp(i, state.total);
    if (how === 'only') state.picked.only(state.selected);
    else if (how === 'toggle') state.picked.toggle(state.selected, state.total);
    else if (how === 'extend') state.picked.extend(state.selected);
    list.scrollTop = viewport.scrollFor(state.selected, list.scrollTop, list.clientHeight);
    list.setAttribute('aria-activedescendant', `row-${state.selected}`);
    if (state.rows.has(state.selected)) render(); else refreshWindow(false);
    selectionChanged();
  }

  // At most this many rows are acted on at once (a whole folder is better as a zip).
  const MAX_PICKED = 10000;

  /** The selected entries, fetched from Rust where they are not in view. */
  async function picked() {
    const at = state.picked.rows(state.total).slice(0, MAX_PICKED);
    if (at.some((i) => !state.rows.has(i)) && state.key !== null) {
      const w = await api.folderWindow(state.key, state.spec, at[0], at[at.length - 1] - at[0] + 1);
      if (w) w.rows.forEach((r, k) => { if (!state.rows.has(w.start + k)) state.rows.set(w.start + k, r); });
    }
    return at.map((i) => state.rows.get(i)).filter(Boolean);
  }

  let selectionTicket = 0;
  async function selectionChanged() {
    const ticket = ++selectionTicket;
    const entries = state.total ? await picked() : [];
    if (ticket !== selectionTicket) return;
    actions.select(entries);
    preview.select(entries);
  }

  async function activate(i) {
    const entry = typeof i === 'number' ? state.rows.get(i) : i;
    if (entry?.kind === 'folder') open({ path: entry.path, lower: entry.path_lower });
    else if (entry?.kind === 'file') {
      showNotice(t('opening-file', { name: fmt.displayName(entry.name) }));
      try {
        await openAsking(entry.name, (program) => api.openFile(entry.path_lower, program));
        showNotice('');
      } catch (e) {
        showNotice('');
        const problem = api.asProblem(e);
        // Cancelled in the transfers panel: the person knows.
        if (problem.code === 'transfer_cancelled') return;
        onProblem(problem, () => activate(i));
        // The file changed or vanished meanwhile: show the folder as it is now.
        if (['file_gone', 'file_changed'].includes(problem.code)) open(here(), { history: false });
      }
    }
  }

  async function typeAhead(ch) {
    const now = Date.now();
    state.typed = now - state.typedAt > 800 ? ch : state.typed + ch;
    state.typedAt = now;
    const from = state.typed.length === 1 ? state.selected + 1 : state.selected;
    const found = await api.folderSeek(state.key, state.spec, state.typed, from);
    if (found !== null && found !== undefined) select(found);
  }

  // ---- Sorting and filtering ------------------------------------------------------------

  function sortBy(key) {
    const s = state.spec;
    state.spec = { ...s, sort: key, descending: s.sort === key ? !s.descending : false };
    for (const b of document.querySelectorAll('[data-sort]')) {
      const on = b.dataset.sort === state.spec.sort;
      const dir = on ? (state.spec.descending ? 'descending' : 'ascending') : 'none';
      b.parentElement.dataset.dir = dir;
      const order = b.dataset.sort === 'name' ? ['A to Z', 'Z to A'] : b.dataset.sort === 'size' ? ['smallest first', 'largest first'] : ['oldest first', 'newest first'];
      b.setAttribute('aria-label', on ? `${b.textContent}, sorted ${order[state.spec.descending ? 1 : 0]}` : b.textContent);
    }
    state.selected = 0;
    list.scrollTop = 0;
    refreshWindow(true);
  }

  let filterTimer = null;
  function setFilter(text) {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      state.spec = { ...state.spec, filter: text };
      state.selected = 0;
      list.scrollTop = 0;
      refreshWindow(true);
    }, 60);
  }

  // ---- Actions and preview --------------------------------------------------------------

  const actions = createActions({
    activate,
    onRename: (entry) => withWriteAccess(() => renaming.start(entry, state.selected)),
    onDelete: (entries) => withWriteAccess(() => deleting.remove(entries)),
    onVersions: (entry) => versions.show(entry),
    onMove: (entries, copy) => (copy ? moving.copyTo(entries) : moving.moveTo(entries)),
    onProblem,
    returnFocus: () => list.focus(),
  });
  const renaming = createRename({
    onRenamed: (path, lower) => showEntry(path, lower),
    onProblem(problem) {
      // Moved or deleted at Dropbox meanwhile: show the folder as it is now.
      if (problem.code === 'file_gone') open(here(), { history: false });
      onProblem(problem);
    },
    rowOf: (i) => document.getElementById(`row-${i}`),
    returnFocus: () => list.focus(),
  });
  const preview = createPreview({ onProblem });
  createColumns({ listing: document.querySelector('.listing'), head: document.querySelector('.list-head') });
  const deleting = createDeleting({ onChanged: () => refreshWindow(false), onProblem });
  const moving = createMoving({
    list,
    async entriesAt(i) {
      if (!state.picked.has(i)) select(i, 'only');
      return picked();
    },
    rowEntry: (i) => state.rows.get(i),
    here,
    onChanged: () => refreshWindow(false),
    say: (text, progress) => deleting.say(text, progress),
    onProblem,
    withWriteAccess,
    returnFocus: () => list.focus(),
  });
  createTrash({
    here,
    onChanged: () => refreshWindow(false),
    onProblem,
    withWriteAccess,
    returnFocus: () => list.focus(),
  });
  const versions = createVersions({
    onChanged: () => refreshWindow(false),
    onProblem,
    withWriteAccess,
    returnFocus: () => list.focus(),
  });

  // ---- Search ---------------------------------------------------------------------------

  const search = createSearch({
    onOpen: (entry) => { open(parentOf({ path: entry.path, lower: entry.path_lower }), { select: entry.name }); list.focus(); },
    onProblem,
    onShow(on) {
      list.hidden = on || !$('skeleton').hidden;
      document.querySelector('.list-head').hidden = on;
    },
  });
  $('search-everywhere').addEventListener('click', () => search.searchFor($('filter').value));

  // ---- Wiring ---------------------------------------------------------------------------

  for (const b of document.querySelectorAll('[data-sort]')) b.addEventListener('click', () => sortBy(b.dataset.sort));
  $('back').addEventListener('click', goBack);
  $('forward').addEventListener('click', goForward);
  $('up').addEventListener('click', goUp);
  $('refresh').addEventListener('click', () => open(here(), { history: false }));
  $('filter').addEventListener('input', (e) => setFilter(e.target.value));
  $('filter').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.target.value = ''; setFilter(''); list.focus(); }
    else if (e.key === 'Enter' || e.key === 'ArrowDown') { list.focus(); e.preventDefault(); }
  });
  list.addEventListener('click', (e) => {
    const li = e.target.closest('.entry');
    if (!li) return;
    const how = e.shiftKey ? 'extend' : (e.ctrlKey || e.metaKey) ? 'toggle' : 'only';
    select(Number(li.dataset.index), how);
    list.focus();
  });
  list.addEventListener('contextmenu', async (e) => {
    e.preventDefault();
    const li = e.target.closest('.entry');
    if (!li) return;
    const i = Number(li.dataset.index);
    select(i, state.picked.has(i) ? 'keep' : 'only');
    await selectionChanged();
    actions.openMenu(e.clientX, e.clientY);
  });
  list.addEventListener('dblclick', (e) => {
    const li = e.target.closest('.entry');
    if (li) activate(Number(li.dataset.index));
  });
  async function menuAtFocus() {
    await selectionChanged();
    const row = document.getElementById(`row-${state.selected}`)?.getBoundingClientRect();
    const box = row ?? list.getBoundingClientRect();
    actions.openMenu(box.left + 24, box.top + (row ? box.height : 0));
  }

  list.addEventListener('keydown', (e) => {
    if (e.altKey) return;
    const to = viewport.moveSelection(e.key, state.selected, state.total, list.clientHeight);
    if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) { menuAtFocus(); e.preventDefault(); }
    else if (e.ctrlKey && e.key.toLowerCase() === 'a') { state.picked.selectAll(); render(); selectionChanged(); e.preventDefault(); }
    else if (e.ctrlKey && e.key === ' ') { select(state.selected, 'toggle'); e.preventDefault(); }
    else if (e.key === 'F2') { actions.rename(); e.preventDefault(); }
    else if (e.key === 'Delete') { actions.remove(); e.preventDefault(); }
    else if (e.ctrlKey && ['x', 'c'].includes(e.key.toLowerCase())) {
      picked().then((entries) => (e.key.toLowerCase() === 'x' ? moving.cut(entries) : moving.copy(entries)));
      e.preventDefault();
    }
    else if (to !== undefined) { select(to, e.shiftKey ? 'extend' : 'only'); e.preventDefault(); }
    else if (e.key === 'Enter') { activate(state.selected); e.preventDefault(); }
    else if (e.key === 'Backspace') { goUp(); e.preventDefault(); }
    else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && e.key !== '/') { typeAhead(e.key); e.preventDefault(); }
  });
  document.addEventListener('keydown', (e) => {
    // A dialog's keys are its own (a "/" typed in a name is not "go to the filter").
    if ($('view-connected').hidden || document.querySelector('dialog[open]')) return;
    const typing = document.activeElement?.matches('input, textarea, [contenteditable]') ?? false;
    if (e.altKey && e.key === 'ArrowLeft') { goBack(); e.preventDefault(); }
    else if (e.altKey && e.key === 'ArrowRight') { goForward(); e.preventDefault(); }
    else if (e.key === 'F5' || (e.ctrlKey && e.key.toLowerCase() === 'r')) { open(here(), { history: false }); e.preventDefault(); }
    else if ((e.ctrlKey && e.key.toLowerCase() === 'f') || (e.key === '/' && !typing)) { $('filter').focus(); e.preventDefault(); }
    else if (e.ctrlKey && e.key.toLowerCase() === 'k') { search.focus(); e.preventDefault(); }
    else if (e.ctrlKey && e.key.toLowerCase() === 's') { actions.saveAs(); e.preventDefault(); }
    // Paste wherever the focus is, unless it is in a text field (the list may be redrawn
    // just after a folder opens).
    else if (e.ctrlKey && e.key.toLowerCase() === 'v' && !typing) { moving.paste(); e.preventDefault(); }
  });
  window.addEventListener('resize', () => refreshWindow(false));

  return {
    /** Open the app folder itself. */
    openRoot: () => open({ path: '', lower: '' }, { history: false }),
    /** Show the open folder again, as Dropbox has it now. */
    refresh: () => open(here(), { history: false }),
    // Forget the history, and drop the answers of every open still on its way (after a
    // Disconnect they would only say "not connected").
    reset() {
      state.ticket++;
      search.clear();
      deleting.hide();
      history.clear();
      state.key = null;
      $('filter').value = '';
      state.spec = { ...state.spec, filter: '' };
    },
    focus: () => list.focus(),
    show: showEntry,
    /** The folder in view: where uploads go ({ path } as Dropbox gave it). */
    folder: () => here(),
    /** Where files dropped at the window's point (x, y) go: the folder row under it, or
     * the folder in view. */
    dropTarget(x, y) {
      const li = document.elementFromPoint(x, y)?.closest('.entry');
      const entry = li && state.rows.get(Number(li.dataset.index));
      return entry?.kind === 'folder' ? { path: entry.path, lower: entry.path_lower } : here();
    },
    /** Mark the folder row under (x, y) as where a drop would go (none: the folder in view). */
    markDropTarget(x, y) {
      for (const old of list.querySelectorAll('.entry.drop-target')) old.classList.remove('drop-target');
      if (x === undefined) return;
      const li = document.elementFromPoint(x, y)?.closest('.entry');
      if (li?.dataset.kind === 'folder') li.classList.add('drop-target');
    },
  };
}
