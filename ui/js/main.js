// The window: which view shows when, the connect flow, the account card, and the folder
// list. Names and messages are always set as text, never as HTML.

import * as api from './api.js';
import * as fmt from './format.js';

const $ = (id) => document.getElementById(id);
const views = ['loading', 'welcome', 'waiting', 'connected'];

function show(view) {
  for (const v of views) $(`view-${v}`).hidden = v !== view;
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status-text').textContent = text;
}

let problemAction = null;
// Transient problems (offline, server trouble) retry by themselves, backing off to 60 s.
const recovery = { timer: null, delay: 5 };

function showProblem(problem, onAction) {
  $('problem-title').textContent = problem.title;
  $('problem-message').textContent = problem.message;
  const labels = { retry: 'Retry', reconnect: 'Reconnect', dismiss: 'Dismiss' };
  $('problem-action').textContent = labels[problem.action] ?? 'OK';
  problemAction = onAction ?? null;
  $('problem').hidden = false;
  clearTimeout(recovery.timer);
  if (problem.transient && onAction) {
    const wait = recovery.delay;
    recovery.delay = Math.min(60, recovery.delay * 2);
    $('problem-message').textContent = `${problem.message} Dropdesk retries by itself in ${wait} s.`;
    recovery.timer = setTimeout(() => { clearProblem(); onAction(); }, wait * 1000);
  }
}
function clearProblem() {
  $('problem').hidden = true;
  problemAction = null;
  clearTimeout(recovery.timer);
}
function recovered() { recovery.delay = 5; }

function note(text) {
  $('welcome-note').textContent = text ?? '';
  $('welcome-note').hidden = !text;
}

function showWelcome(text) {
  show('welcome');
  setStatus('disconnected', 'Not connected');
  note(text);
  $('connect').disabled = false;
  $('connect').focus();
}

// ---- Start-up -------------------------------------------------------------------------

async function boot() {
  const info = await api.appInfo();
  $('demo-badge').hidden = !info.demo;
  await refreshStatus();
  document.body.dataset.ready = 'true';
}

async function refreshStatus() {
  show('loading');
  $('loading-text').textContent = 'Checking your connection…';
  setStatus('pending', 'Checking…');
  try {
    applyStatus(await api.restore());
  } catch (e) {
    show('welcome');
    setStatus('problem', 'Needs attention');
    showProblem(api.asProblem(e), refreshStatus);
  }
}

function applyStatus(status) {
  clearProblem();
  if (status.state !== 'problem') recovered();
  if (status.state === 'connected') {
    showConnected(status.account);
  } else if (status.state === 'disconnected') {
    showWelcome();
    if (status.problem) showProblem(status.problem, startConnect);
  } else {
    // A grant is kept but cannot be used now: no Connect button, just the problem.
    show('loading');
    $('loading-text').textContent = status.problem.title;
    setStatus('problem', status.problem.title);
    showProblem(status.problem, refreshStatus);
  }
}

// ---- Connect ----------------------------------------------------------------------------

let waitingUrl = '';
async function startConnect() {
  clearProblem();
  note('');
  $('connect').disabled = true;
  try {
    const waiting = await api.startConnect();
    waitingUrl = waiting.url;
    show('waiting');
    setStatus('waiting', 'Waiting for your browser');
    $('no-browser').hidden = waiting.browser_opened;
    $('copy-feedback').textContent = '';
    $('cancel').focus();
    const result = await api.finishConnect();
    onConnectResult(result);
  } catch (e) {
    showWelcome();
    showProblem(api.asProblem(e), startConnect);
  }
}

function onConnectResult(result) {
  switch (result.state) {
    case 'connected': showConnected(result.account); break;
    case 'declined': showWelcome('You declined the request in your browser. Connect again whenever you like.'); break;
    case 'cancelled': showWelcome(); break;
    case 'timed_out': showWelcome('The sign-in timed out before Dropbox answered. Connect again to retry.'); break;
    default: showWelcome(); showProblem(result.problem, startConnect);
  }
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(waitingUrl);
    $('copy-feedback').textContent = 'Link copied. Paste it into your browser.';
  } catch {
    $('copy-feedback').textContent = waitingUrl;
  }
}

// ---- Connected --------------------------------------------------------------------------

function showConnected(account) {
  show('connected');
  setStatus('connected', 'Connected');
  $('avatar').textContent = account.initials;
  $('account-name').textContent = account.display_name;
  $('account-email').textContent = account.email;
  const pct = account.allocated ? Math.min(100, (100 * account.used) / account.allocated) : 0;
  $('usage-bar').style.width = `${pct.toFixed(1)}%`;
  $('usage-text').textContent = account.allocated
    ? `${fmt.size(account.used)} of ${fmt.size(account.allocated)} used`
    : `${fmt.size(account.used)} used`;
  openFolder('');
}

async function disconnect() {
  $('confirm-disconnect').close();
  $('disconnect').disabled = true;
  try {
    const done = await api.disconnect();
    showWelcome(done.message);
  } catch (e) {
    showProblem(api.asProblem(e), disconnect);
  } finally {
    $('disconnect').disabled = false;
  }
}

// ---- Folder list ------------------------------------------------------------------------

let current = { path: '', entries: [] };
let selected = -1;

async function openFolder(path) {
  current = { path, entries: [] };
  renderCrumbs(path);
  renderEntries();
  try {
    let page = await api.listFolder(path);
    current.entries.push(...page.entries);
    renderEntries();
    while (page.has_more && current.path === path) {
      page = await api.listFolderContinue(page.cursor);
      current.entries.push(...page.entries);
      renderEntries();
    }
    recovered();
  } catch (e) {
    const problem = api.asProblem(e);
    if (problem.action === 'reconnect') {
      showWelcome();
      showProblem(problem, startConnect);
    } else {
      showProblem(problem, () => openFolder(path));
    }
  }
}

function renderCrumbs(path) {
  const list = $('crumbs');
  list.replaceChildren();
  const parts = path ? path.split('/').slice(1) : [];
  const add = (label, target) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', () => openFolder(target));
    li.append(b);
    list.append(li);
  };
  add('App folder', '');
  parts.forEach((p, i) => add(p, `/${parts.slice(0, i + 1).join('/')}`));
  $('up').disabled = !path;
}

function renderEntries() {
  const sorted = current.entries.filter((e) => e.kind !== 'deleted').sort(fmt.byName);
  current.sorted = sorted;
  const list = $('entries');
  const rows = sorted.map((entry, i) => {
    const li = document.createElement('li');
    li.className = 'entry';
    li.setAttribute('role', 'option');
    li.dataset.index = String(i);
    li.dataset.kind = entry.kind;
    const name = document.createElement('span');
    name.className = 'name';
    const icon = document.createElement('span');
    icon.className = 'kind';
    icon.textContent = fmt.iconOf(entry);
    const label = document.createElement('span');
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
  });
  list.replaceChildren(...rows);
  $('empty').hidden = sorted.length > 0;
  const folders = sorted.filter((e) => e.kind === 'folder').length;
  const files = sorted.length - folders;
  const total = sorted.reduce((n, e) => n + (e.size ?? 0), 0);
  $('summary').textContent = `${folders} folder${folders === 1 ? '' : 's'}, ${files} file${files === 1 ? '' : 's'} · ${fmt.size(total)}`;
  select(Math.min(Math.max(selected, 0), sorted.length - 1));
}

function select(i) {
  selected = i;
  for (const li of $('entries').children) {
    li.setAttribute('aria-selected', String(Number(li.dataset.index) === i));
  }
  $('entries').children[i]?.scrollIntoView({ block: 'nearest' });
}

function activate(i) {
  const entry = current.sorted?.[i];
  if (entry?.kind === 'folder') { selected = 0; openFolder(entry.path); }
}

function parentOf(path) {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

// ---- Wiring -----------------------------------------------------------------------------

$('connect').addEventListener('click', startConnect);
$('cancel').addEventListener('click', () => api.cancelConnect());
$('reopen').addEventListener('click', async () => {
  const opened = await api.reopenBrowser().catch(() => false);
  $('no-browser').hidden = opened;
});
$('copy-link').addEventListener('click', copyLink);
$('problem-action').addEventListener('click', () => { const f = problemAction; clearProblem(); f?.(); });
$('disconnect').addEventListener('click', () => $('confirm-disconnect').showModal());
$('confirm-no').addEventListener('click', () => $('confirm-disconnect').close());
$('confirm-yes').addEventListener('click', disconnect);
$('up').addEventListener('click', () => openFolder(parentOf(current.path)));
$('refresh').addEventListener('click', () => openFolder(current.path));
$('entries').addEventListener('click', (e) => {
  const li = e.target.closest('.entry');
  if (li) select(Number(li.dataset.index));
});
$('entries').addEventListener('dblclick', (e) => {
  const li = e.target.closest('.entry');
  if (li) activate(Number(li.dataset.index));
});
$('entries').addEventListener('keydown', (e) => {
  const n = current.sorted?.length ?? 0;
  if (e.key === 'ArrowDown') { select(Math.min(n - 1, selected + 1)); e.preventDefault(); }
  else if (e.key === 'ArrowUp') { select(Math.max(0, selected - 1)); e.preventDefault(); }
  else if (e.key === 'Home') { select(0); e.preventDefault(); }
  else if (e.key === 'End') { select(n - 1); e.preventDefault(); }
  else if (e.key === 'Enter') { activate(selected); }
  else if (e.key === 'Backspace' && current.path) { openFolder(parentOf(current.path)); }
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'F5' && !$('view-connected').hidden) { openFolder(current.path); e.preventDefault(); }
});

boot().catch((e) => showProblem(api.asProblem(e)));
