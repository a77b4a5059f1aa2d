// Search the whole app folder: a debounced query to Rust (Dropbox's search_v2), results
// with their name, the folder they are in, kind and size; Enter or double-click opens the
// folder with the item selected. Ctrl+K goes to the search box; Escape leaves it.

import * as api from './api.js';
import * as fmt from './format.js';
import { t } from './l10n.js';

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 250;

export function createSearch({ onOpen, onProblem, onShow }) {
  const box = $('search');
  const list = $('search-list');
  let timer = null;
  let ticket = 0;
  let hits = [];
  let selected = 0;

  function status(text) {
    $('search-status').textContent = text;
  }

  function show(on) {
    $('search-results').hidden = !on;
    onShow(on);
  }

  async function run(query) {
    const mine = ++ticket;
    status(t('search-running'));
    try {
      const found = await api.search(query);
      if (mine !== ticket) return; // typed on meanwhile
      hits = found.entries;
      selected = 0;
      render();
      if (!hits.length) status(t('search-none', { query }));
      else status(t(found.truncated ? 'search-first' : 'search-found', { count: hits.length }));
    } catch (e) {
      if (mine !== ticket) return;
      hits = [];
      render();
      status('');
      onProblem(api.asProblem(e), () => run(query));
    }
  }

  function render() {
    list.replaceChildren(...hits.map((entry, i) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'search-hit';
      b.setAttribute('role', 'option');
      b.setAttribute('aria-selected', String(i === selected));
      b.dataset.index = String(i);
      const icon = document.createElement('img');
      icon.alt = '';
      icon.width = 20;
      icon.height = 20;
      icon.src = `assets/kinds/${fmt.kindOf(entry)}.svg`;
      const text = document.createElement('span');
      const name = document.createElement('span');
      name.className = 'label';
      name.textContent = fmt.displayName(entry.name);
      const where = document.createElement('span');
      where.className = 'where';
      where.textContent = t('found-in', { folder: fmt.displayName(folderOf(entry)) || t('app-folder') });
      text.append(name, where);
      const size = document.createElement('span');
      size.className = 'muted small';
      size.textContent = entry.kind === 'file' ? fmt.size(entry.size) : t('kind-folder');
      b.append(icon, text, size);
      b.addEventListener('click', () => { selected = i; render(); });
      b.addEventListener('dblclick', () => open(i));
      li.append(b);
      return li;
    }));
  }

  function folderOf(entry) {
    return entry.path.slice(0, entry.path.lastIndexOf('/'));
  }

  function open(i) {
    const entry = hits[i];
    if (!entry) return;
    clear();
    onOpen(entry);
  }

  function clear() {
    clearTimeout(timer);
    ticket++;
    box.value = '';
    hits = [];
    render();
    show(false);
  }

  box.addEventListener('input', () => {
    clearTimeout(timer);
    const query = box.value.trim();
    if (!query) { clear(); return; }
    show(true);
    timer = setTimeout(() => run(query), DEBOUNCE_MS);
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { clear(); e.preventDefault(); }
    else if (e.key === 'ArrowDown' && hits.length) { list.focus(); e.preventDefault(); }
    else if (e.key === 'Enter' && hits.length) { open(selected); e.preventDefault(); }
  });
  list.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') selected = Math.min(hits.length - 1, selected + 1);
    else if (e.key === 'ArrowUp') selected = Math.max(0, selected - 1);
    else if (e.key === 'Enter') { open(selected); e.preventDefault(); return; }
    else if (e.key === 'Escape') { clear(); box.focus(); e.preventDefault(); return; }
    else return;
    e.preventDefault();
    render();
  });

  return {
    /** Search for `text` (the filter box's "Search everywhere"). */
    searchFor(text) {
      box.value = text;
      box.dispatchEvent(new Event('input'));
      box.focus();
    },
    focus: () => box.focus(),
    clear,
  };
}
