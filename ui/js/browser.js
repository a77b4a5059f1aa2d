// The file browser: a virtualized list (only the rows in view, plus a margin, are in the
// DOM), fed a window at a time by Rust, which keeps, sorts and filters the listing.
// Keyboard and mouse as in a file manager; names are always set as text.

import * as api from './api.js';
import * as fmt from './format.js';

const ROW = 36;
const MARGIN = 12;
const $ = (id) => document.getElementById(id);

export function createBrowser({ onProblem }) {
  const list = $('entries');
  const spacer = $('spacer');
  const state = {
    path: '',
    key: null,
    spec: { sort: 'name', descending: false, filter: '' },
    total: 0,
    version: -1,
    complete: false,
    rows: new Map(),
    selected: 0,
    back: [],
    forward: [],
    pending: null,
    typed: '',
    typedAt: 0,
    ticket: 0,
  };

  // ---- Opening folders ------------------------------------------------------------------

  async function open(path, { history = true } = {}) {
    if (history && state.key !== null && path !== state.path) {
      state.back.push(state.path);
      state.forward = [];
    }
    const ticket = ++state.ticket;
    // Timings for benchmarks: open → first rows on screen, open → whole listing.
    state.openedAt = performance.now();
    list.dataset.firstRowsMs = '';
    list.dataset.completeMs = '';
    state.path = path;
    state.key = null;
    state.rows.clear();
    state.selected = 0;
    state.total = 0;
    renderCrumbs(path);
    showNotice('');
    showSkeleton(true);
    updateNav();
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = (p) => onProgress(p);
    try {
      const [start, end] = visibleRange();
      const opened = await api.openFolder(path, state.spec, end - start, channel);
      if (ticket !== state.ticket) return; // the user went elsewhere meanwhile
      state.path = opened.path;
      state.key = opened.path_lower;
      renderCrumbs(opened.path);
      if (opened.notice) showNotice(opened.notice);
      list.dataset.fromCache = String(opened.from_cache);
      if (opened.first) showWindow(opened.first, true);
      else await refreshWindow(true);
    } catch (e) {
      if (ticket !== state.ticket) return;
      showSkeleton(false);
      onProblem(api.asProblem(e), () => open(path, { history: false }));
    }
  }

  function onProgress(p) {
    if (p.path_lower !== state.key) return;
    if (p.gone) { open(state.path, { history: false }); return; }
    if (p.problem) onProblem(p.problem, () => open(state.path, { history: false }));
    if (p.version !== state.version || p.complete !== state.complete) refreshWindow(true);
  }

  // ---- Windows of rows ------------------------------------------------------------------

  function visibleRange() {
    const first = Math.floor(list.scrollTop / ROW);
    const count = Math.ceil(list.clientHeight / ROW) + 1;
    return [Math.max(0, first - MARGIN), first + count + MARGIN];
  }

  async function refreshWindow(reset) {
    if (state.key === null) return;
    const [start, end] = visibleRange();
    const key = state.key;
    const w = await api.folderWindow(key, state.spec, start, end - start);
    if (!w || key !== state.key) return;
    showWindow(w, reset);
  }

  function showWindow(w, reset) {
    if (reset || w.version !== state.version) state.rows.clear();
    state.version = w.version;
    state.total = w.total;
    state.complete = w.complete;
    w.rows.forEach((row, i) => state.rows.set(w.start + i, row));
    showSkeleton(false);
    spacer.style.height = `${state.total * ROW}px`;
    if (state.selected >= state.total) state.selected = Math.max(0, state.total - 1);
    render();
    renderSummary(w);
  }

  let scrollQueued = false;
  list.addEventListener('scroll', () => {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      const [start, end] = visibleRange();
      let missing = false;
      for (let i = start; i < Math.min(end, state.total); i += 1) if (!state.rows.has(i)) { missing = true; break; }
      if (missing) refreshWindow(false); else render();
    });
  });

  function render() {
    const [start, end] = visibleRange();
    const nodes = [];
    for (let i = start; i < Math.min(end, state.total); i += 1) {
      const entry = state.rows.get(i);
      if (entry) nodes.push(row(entry, i));
    }
    spacer.replaceChildren(...nodes);
    if (nodes.length && !list.dataset.firstRowsMs) list.dataset.firstRowsMs = (performance.now() - state.openedAt).toFixed(1);
    if (state.complete && !list.dataset.completeMs) list.dataset.completeMs = (performance.now() - state.openedAt).toFixed(1);
    list.dataset.total = String(state.total);
    list.dataset.complete = String(state.complete);
    list.setAttribute('aria-busy', String(!state.complete));
    const empty = state.total === 0 && state.complete;
    $('empty').hidden = !empty || state.spec.filter !== '';
    $('no-match').hidden = !(state.total === 0 && state.spec.filter !== '');
  }

  function row(entry, i) {
    const li = document.createElement('li');
    li.className = 'entry';
    li.id = `row-${i}`;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', String(i === state.selected));
    li.style.top = `${i * ROW}px`;
    li.dataset.index = String(i);
    li.dataset.kind = entry.kind;
    const name = document.createElement('span');
    name.className = 'name';
    const icon = document.createElement('img');
    icon.className = 'kind';
    icon.alt = '';
    icon.width = 20;
    icon.height = 20;
    icon.src = `assets/kinds/${fmt.kindOf(entry)}.svg`;
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = entry.name;
    label.title = entry.name;
    name.append(icon, label);
    const size = document.createElement('span');
    size.className = 'size';
    size.textContent = entry.kind === 'file' ? fmt.size(entry.size) : '';
    const date = document.createElement('span');
    date.className = 'date';
    const [shown, tip] = fmt.date(entry.modified);
    date.textContent = shown;
    date.title = tip;
    li.append(name, size, date);
    return li;
  }

  function renderSummary(w) {
    const parts = [
      `${w.folders.toLocaleString()} folder${w.folders === 1 ? '' : 's'}`,
      `${w.files.toLocaleString()} file${w.files === 1 ? '' : 's'}`,
      fmt.size(w.bytes),
    ];
    $('summary-text').textContent = parts.join(' · ');
    $('loading-more').hidden = w.complete;
    $('loading-more').textContent = `Loading more… ${w.total.toLocaleString()} so far`;
  }

  function showSkeleton(on) {
    $('skeleton').hidden = !on;
    list.hidden = on;
    if (on) {
      $('empty').hidden = true;
      $('no-match').hidden = true;
    }
  }

  function showNotice(text) {
    $('browser-notice').textContent = text;
    $('browser-notice').hidden = !text;
  }

  // ---- Breadcrumbs and history ----------------------------------------------------------

  function renderCrumbs(path) {
    const crumbs = $('crumbs');
    crumbs.replaceChildren();
    const parts = path ? path.split('/').slice(1) : [];
    const add = (label, target, current) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      if (current) b.setAttribute('aria-current', 'location');
      b.addEventListener('click', () => open(target));
      li.append(b);
      crumbs.append(li);
    };
    add('App folder', '', parts.length === 0);
    parts.forEach((p, i) => add(p, `/${parts.slice(0, i + 1).join('/')}`, i === parts.length - 1));
  }

  function updateNav() {
    $('back').disabled = state.back.length === 0;
    $('forward').disabled = state.forward.length === 0;
    $('up').disabled = state.path === '';
  }

  function goBack() {
    if (!state.back.length) return;
    state.forward.push(state.path);
    open(state.back.pop(), { history: false });
  }

  function goForward() {
    if (!state.forward.length) return;
    state.back.push(state.path);
    open(state.forward.pop(), { history: false });
  }

  function goUp() {
    if (state.path) open(state.path.slice(0, state.path.lastIndexOf('/')));
  }

  // ---- Selection and activation ---------------------------------------------------------

  function select(i) {
    if (state.total === 0) return;
    state.selected = Math.max(0, Math.min(state.total - 1, i));
    const top = state.selected * ROW;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ROW > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW - list.clientHeight;
    list.setAttribute('aria-activedescendant', `row-${state.selected}`);
    if (state.rows.has(state.selected)) render(); else refreshWindow(false);
  }

  function activate(i) {
    const entry = state.rows.get(i);
    if (entry?.kind === 'folder') open(entry.path);
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
      b.parentElement.setAttribute('aria-sort', on ? (state.spec.descending ? 'descending' : 'ascending') : 'none');
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

  // ---- Wiring ---------------------------------------------------------------------------

  for (const b of document.querySelectorAll('[data-sort]')) b.addEventListener('click', () => sortBy(b.dataset.sort));
  $('back').addEventListener('click', goBack);
  $('forward').addEventListener('click', goForward);
  $('up').addEventListener('click', goUp);
  $('refresh').addEventListener('click', () => open(state.path, { history: false }));
  $('filter').addEventListener('input', (e) => setFilter(e.target.value));
  $('filter').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.target.value = ''; setFilter(''); list.focus(); }
    else if (e.key === 'Enter' || e.key === 'ArrowDown') { list.focus(); e.preventDefault(); }
  });
  list.addEventListener('click', (e) => {
    const li = e.target.closest('.entry');
    if (li) { select(Number(li.dataset.index)); list.focus(); }
  });
  list.addEventListener('dblclick', (e) => {
    const li = e.target.closest('.entry');
    if (li) activate(Number(li.dataset.index));
  });
  list.addEventListener('keydown', (e) => {
    const page = Math.max(1, Math.floor(list.clientHeight / ROW) - 1);
    const moves = {
      ArrowDown: state.selected + 1,
      ArrowUp: state.selected - 1,
      Home: 0,
      End: state.total - 1,
      PageDown: state.selected + page,
      PageUp: state.selected - page,
    };
    if (e.altKey) return;
    if (e.key in moves) { select(moves[e.key]); e.preventDefault(); }
    else if (e.key === 'Enter') { activate(state.selected); e.preventDefault(); }
    else if (e.key === 'Backspace') { goUp(); e.preventDefault(); }
    else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && e.key !== '/') { typeAhead(e.key); e.preventDefault(); }
  });
  document.addEventListener('keydown', (e) => {
    if ($('view-connected').hidden) return;
    const inFilter = document.activeElement === $('filter');
    if (e.altKey && e.key === 'ArrowLeft') { goBack(); e.preventDefault(); }
    else if (e.altKey && e.key === 'ArrowRight') { goForward(); e.preventDefault(); }
    else if (e.key === 'F5' || (e.ctrlKey && e.key.toLowerCase() === 'r')) { open(state.path, { history: false }); e.preventDefault(); }
    else if ((e.ctrlKey && e.key.toLowerCase() === 'f') || (e.key === '/' && !inFilter)) { $('filter').focus(); e.preventDefault(); }
  });
  window.addEventListener('resize', () => refreshWindow(false));

  return {
    open: (path) => open(path, { history: false }),
    // Forget the history, and drop the answers of every open still on its way (after a
    // Disconnect they would only say "not connected").
    reset() {
      state.ticket++;
      state.back = [];
      state.forward = [];
      state.key = null;
      $('filter').value = '';
      state.spec = { ...state.spec, filter: '' };
    },
    focus: () => list.focus(),
  };
}
