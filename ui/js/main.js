// The window: which view shows when, the connect flow and the account card; the folder
// list lives in browser.js. Names and messages are always set as text, never as HTML.

import * as api from './api.js';
import { createBrowser } from './browser.js';
import { askAboutConflicts } from './conflicts.js';
import * as fmt from './format.js';
import * as banner from './problem.js';
import { lead as waitingLead } from './waiting.js';
import { createTransfers } from './transfers.js';
import { fitPlaceholders } from './columns.js';
import * as l10n from './l10n.js';
import { t } from './l10n.js';

const $ = (id) => document.getElementById(id);

// The page in the desktop's language before anything else is shown; in English (the
// page's own words) if the catalogues cannot be read.
await api.catalogues().then(l10n.start).catch(() => {});
fitPlaceholders([$('filter'), $('search')]);

const views = ['loading', 'welcome', 'waiting', 'connected'];

function show(view, { stalled = false } = {}) {
  for (const v of views) $(`view-${v}`).hidden = v !== view;
  // A problem that waits for the user shows no spinner: nothing is going on.
  $('view-loading').dataset.stalled = String(stalled);
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status-text').textContent = text;
}

let problemAction = null;
let retryTimer = null;

// Rust decides whether a problem may clear by itself and when to try again (`retry_in`);
// the window only keeps that appointment.
function showProblem(problem, onAction) {
  $('problem').dataset.code = problem.code ?? '';
  $('problem-title').textContent = problem.title;
  $('problem-message').textContent = problem.as_of
    ? problem.message.replace('{time}', fmt.moment(problem.as_of))
    : problem.message;
  const { label, run } = banner.button(problem, onAction);
  $('problem-action').textContent = label;
  problemAction = run;
  $('problem').hidden = false;
  clearTimeout(retryTimer);
  if (problem.retry_in && run) {
    retryTimer = setTimeout(() => { clearProblem(); run(); }, problem.retry_in * 1000);
  }
}
function clearProblem() {
  $('problem').hidden = true;
  problemAction = null;
  clearTimeout(retryTimer);
}

// Whether the sign-in's listener waits for the browser (else only a pasted code connects).
let waitingListens = true;

/** Say in the waiting view whether the browser could be started. */
function sayWaiting(opened) {
  $('waiting-lead').textContent = waitingLead({ browser_opened: opened, listening: waitingListens });
}

function note(text) {
  $('welcome-note').textContent = text ?? '';
  $('welcome-note').hidden = !text;
}

function showWelcome(text) {
  show('welcome');
  shownAccount(null);
  setStatus('disconnected', t('status-not-connected'));
  note(text);
  $('connect').disabled = false;
  $('connect').focus();
  refreshAccounts();
}

// ---- Accounts ---------------------------------------------------------------------------

/** The other connected accounts, as buttons that switch to them, in both views. */
async function refreshAccounts() {
  let accounts = [];
  try {
    accounts = await api.accounts();
  } catch {
    // No keychain: the problem banner already says so.
  }
  const others = accounts.filter((a) => !a.current);
  for (const id of ['account-list', 'welcome-account-list']) {
    $(id).replaceChildren(...others.map(accountButton));
  }
  $('welcome-accounts').hidden = others.length === 0;
}

function accountButton(account) {
  const li = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'account-switch';
  b.dataset.accountId = account.account_id;
  const initials = document.createElement('span');
  initials.className = 'mini-avatar';
  initials.setAttribute('aria-hidden', 'true');
  initials.textContent = account.initials;
  const who = document.createElement('span');
  who.className = 'who';
  const name = document.createElement('span');
  name.textContent = account.display_name || account.account_id;
  const email = document.createElement('span');
  email.className = 'muted small';
  email.textContent = account.email;
  who.append(name, email);
  b.append(initials, who);
  b.setAttribute('aria-label', t('switch-to', { name: name.textContent, email: account.email ?? '' }).trim());
  b.addEventListener('click', () => switchTo(account.account_id));
  li.append(b);
  return li;
}

async function switchTo(accountId) {
  clearProblem();
  browser.reset();
  show('loading');
  $('loading-text').textContent = t('switching-account');
  try {
    applyStatus(await api.switchAccount(accountId));
  } catch (e) {
    showWelcome();
    showProblem(api.asProblem(e), () => switchTo(accountId));
  }
}

/** A sign-in ended without a new account: back to the account in use, if there is one. */
async function afterSignIn(text) {
  try {
    const status = await api.restore();
    if (status.state === 'connected') {
      applyStatus(status);
      accountNote(text);
      return;
    }
  } catch {
    // Shown as the welcome view below.
  }
  showWelcome(text);
}

function accountNote(text) {
  $('account-note').textContent = text ?? '';
  $('account-note').hidden = !text;
}

// ---- Start-up -------------------------------------------------------------------------

/** The first paint: the account shown last (Rust keeps its names, never a token), or the
 * welcome view, while the keychain and Dropbox answer. */
function showLastSeen(last) {
  // For tests and benchmarks: which view the window painted first.
  document.body.dataset.firstView = last?.display_name ? 'connected' : 'welcome';
  if (!last?.display_name) {
    show('welcome');
    setStatus('pending', t('status-checking'));
    return;
  }
  show('connected');
  setStatus('pending', t('status-checking'));
  shownAccount(null);
  $('avatar').textContent = last.initials ?? '';
  $('account-name').textContent = last.display_name;
  $('account-email').textContent = last.email ?? '';
  $('usage-text').textContent = '';
}

async function boot() {
  showLastSeen(await api.lastSeen().catch(() => null));
  const info = await api.appInfo();
  $('demo-badge').hidden = !info.demo;
  $('key-source').textContent = info.key_source ?? '';
  $('key-source').hidden = !info.key_source;
  await refreshStatus({ quiet: true });
  document.body.dataset.ready = 'true';
  // For benchmarks: when the UI was ready, in ms since the epoch.
  document.body.dataset.readyAt = String(performance.timeOrigin + performance.now());
  api.uiReady();
}

/** Ask for the connection again; `quiet` keeps what the window shows meanwhile. */
async function refreshStatus({ quiet = false } = {}) {
  if (!quiet) {
    show('loading');
    $('loading-text').textContent = t('loading-connection');
  }
  setStatus('pending', t('status-checking'));
  try {
    applyStatus(await api.restore());
  } catch (e) {
    show('welcome');
    setStatus('problem', t('status-attention'));
    showProblem(api.asProblem(e), refreshStatus);
  }
}

function applyStatus(status) {
  clearProblem();
  stalledAccountId = status.state === 'problem' ? status.account_id ?? null : null;
  if (status.state === 'connected') {
    showConnected(status.account, status.sign_in);
  } else if (status.state === 'disconnected') {
    showWelcome();
    if (status.problem) showProblem(status.problem, startConnect);
  } else {
    // A grant is kept but cannot be used now: no Connect button, just the problem. When
    // only a new sign-in helps (an unreadable keychain item, a missing permission), its
    // button removes the old one and starts the new one.
    show('loading', { stalled: true });
    $('loading-text').textContent = status.problem.title;
    setStatus('problem', status.problem.title);
    showProblem(status.problem, status.problem.action === 'reconnect' ? replaceSignIn : refreshStatus);
  }
}

// The account whose grant a stalled status is about (none: the saved sign-in is unreadable).
let stalledAccountId = null;

async function replaceSignIn() {
  try {
    if (stalledAccountId) await api.disconnect(stalledAccountId);
    else await api.forgetUnreadable();
  } catch (e) {
    showProblem(api.asProblem(e), replaceSignIn);
    return;
  }
  startConnect();
}

// ---- Connect ----------------------------------------------------------------------------

async function startConnect({ write = false } = {}) {
  clearProblem();
  note('');
  $('connect').disabled = true;
  try {
    const waiting = await api.startConnect(write);
    $('waiting-write').hidden = !write;
    show('waiting');
    setStatus('waiting', t('status-waiting'));
    waitingListens = waiting.listening;
    sayWaiting(waiting.browser_opened);
    $('no-listener').hidden = waiting.listening;
    $('copy-feedback').textContent = '';
    preparePaste(waiting.paste, !waiting.listening || !waiting.browser_opened);
    if ($('paste').hidden) $('cancel').focus(); else $('paste-code').focus();
    const named = new window.__TAURI__.core.Channel();
    named.onmessage = (early) => {
      if (early.state === 'confirm') askAccount(early.account);
      // Asking for write access keeps the folder in view as it is.
      else if (write) setStatus('saving', t('status-saving'));
      else showSigningIn(early.account, early.sign_in);
    };
    const result = await api.finishConnect(named);
    if (write) afterWriteSignIn(result);
    else onConnectResult(result);
  } catch (e) {
    if (write) {
      show('connected');
      showProblem(api.asProblem(e), () => withWriteAccess());
      return;
    }
    showWelcome();
    showProblem(api.asProblem(e), startConnect);
  }
}

/** "Connect Dropbox as …?": an account not connected here is kept only if the person says
 * so (someone else's account, from a sign-in link they raced to, is refused here). */
function askAccount(account) {
  $('confirm-account-name').textContent = account.display_name;
  $('confirm-account-email').textContent = account.email;
  $('confirm-account').showModal();
  $('confirm-account-yes').focus();
}
function answerAccount(yes) {
  $('confirm-account').close();
  api.confirmConnect(yes).catch(() => {});
}

function onConnectResult(result) {
  if ($('confirm-account').open) $('confirm-account').close();
  switch (result.state) {
    case 'connected': showConnected(result.account, result.sign_in); break;
    case 'declined': afterSignIn(result.note); break;
    case 'cancelled': afterSignIn(); break;
    case 'timed_out': afterSignIn(result.note); break;
    default: showWelcome(); showProblem(result.problem, startConnect);
  }
}

// ---- Paste a code ----------------------------------------------------------------------

let pasteUrl = '';
function preparePaste(paste, open) {
  pasteUrl = paste.url;
  $('paste-url').textContent = paste.url;
  $('paste-qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(paste.qr_svg)}`;
  $('paste-code').value = '';
  $('paste-error').hidden = true;
  showPaste(open);
}
function showPaste(open) {
  $('paste').hidden = !open;
  $('show-paste').setAttribute('aria-expanded', String(open));
}
async function submitCode(event) {
  event.preventDefault();
  $('paste-submit').disabled = true;
  $('paste-error').hidden = true;
  try {
    // Success ends the waiting sign-in: finishConnect then shows the account.
    await api.submitCode($('paste-code').value);
  } catch (e) {
    const problem = api.asProblem(e);
    $('paste-error').dataset.code = problem.code ?? '';
    $('paste-error').textContent = problem.message;
    $('paste-error').hidden = false;
    $('paste-code').select();
  } finally {
    $('paste-submit').disabled = false;
  }
}

async function copyLink() {
  let link = '';
  try {
    link = await api.startLink();
    await navigator.clipboard.writeText(link);
    $('copy-feedback').textContent = t('link-copied');
  } catch (e) {
    $('copy-feedback').textContent = link || api.asProblem(e).message;
  }
}

// ---- Connected --------------------------------------------------------------------------

function showConnected(account, signIn) {
  show('connected');
  accountNote('');
  refreshAccounts();
  showAccount(account, signIn);
  browser.reset();
  browser.openRoot();
  browser.focus();
  transfers.watch();
}

/** Dropbox named the account; its grant is still on its way to the keychain. */
function showSigningIn(account, signIn) {
  show('connected');
  accountNote('');
  browser.reset();
  showAccount(account, signIn);
  setStatus('saving', t('status-saving'));
}

// Shown offline (the account as last seen) until a folder is heard from Dropbox again.
let offline = false;

// The account the window shows: every account action names it, never "the current one".
let shownAccountId = null;
function shownAccount(id) {
  shownAccountId = id;
  $('view-connected').dataset.accountId = id ?? '';
  $('disconnect').disabled = !id;
}

// ---- Putting files in ------------------------------------------------------------------

// The account in use may write: uploads start at once. Otherwise the first upload asks
// Dropbox (in the browser) first, and `pendingWrites` is what to do once it said yes.
let mayWrite = false;
let pendingWrites = [];

function showAccess(may) {
  mayWrite = may;
  $('account-access').textContent = t(may ? 'access-write' : 'access-read');
}

/** Do `then` (an upload) once Dropbox lets Dropdesk write: at once if it does already,
 * else after the person agreed to be asked and Dropbox said yes. Several asked for while
 * the question is open are one question. */
function withWriteAccess(then) {
  if (mayWrite) return then?.();
  if (then) pendingWrites.push(then);
  if ($('ask-write').open) return;
  $('ask-write').showModal();
  $('ask-write-yes').focus();
}

/** Dropbox refused upload `id` for want of write access: ask for it, then retry it. */
function allowWritingFor(id) {
  showAccess(false);
  withWriteAccess(() => api.retryTransfer(id).catch((e) => showProblem(api.asProblem(e))));
}

async function askToWrite() {
  $('ask-write').close();
  clearProblem();
  await startConnect({ write: true });
}

/** A write sign-in ended: back to the folder as it was, now allowed to write or not. */
function afterWriteSignIn(result) {
  if ($('confirm-account').open) $('confirm-account').close();
  show('connected');
  const then = pendingWrites.splice(0);
  switch (result.state) {
    case 'connected':
      showAccount(result.account, result.sign_in);
      refreshAccounts();
      accountNote('');
      for (const f of then) f();
      break;
    case 'failed':
      setStatus('connected', t('status-connected'));
      pendingWrites.push(...then);
      showProblem(result.problem, () => withWriteAccess());
      break;
    default:
      setStatus('connected', t('status-connected'));
      accountNote(t('write-declined'));
  }
}

/** Say what an upload started and what it refused; ask about names already there. */
async function uploaded(choice) {
  if (choice.conflicts.length) {
    const answer = await askAboutConflicts(
      choice.conflicts,
      t('conflict-upload'),
    );
    browser.focus();
    uploaded(await api.resolveUploadConflicts(answer));
    return;
  }
  if (!choice.refused.length) return;
  const first = choice.refused[0];
  showProblem({
    ...first.problem,
    message: t('upload-refused', { name: fmt.displayName(first.name), message: first.problem.message, more: choice.refused.length - 1 }),
  });
}

/** "Upload…" (files) or "Upload folder…" (`folders`), into the folder in view. */
async function uploadPicked(folders = false) {
  const folder = browser.folder().path;
  withWriteAccess(async () => {
    try {
      await uploaded(await api.uploadFiles(folder, folders));
    } catch (e) {
      showProblem(api.asProblem(e), () => uploadPicked(folders));
    }
  });
}

/** "New folder" (Ctrl+Shift+N): ask its name, once Dropdesk may write. */
function askNewFolder() {
  withWriteAccess(() => {
    $('new-folder-name').value = '';
    $('new-folder-error').hidden = true;
    $('new-folder-name').removeAttribute('aria-invalid');
    $('new-folder').showModal();
    $('new-folder-name').focus();
  });
}

/** Make the folder in the folder in view and select it. A name refused or taken is said
 * in the dialog, which stays open with the name as typed. */
async function makeNewFolder(e) {
  e.preventDefault();
  const name = $('new-folder-name').value;
  $('new-folder-create').disabled = true;
  try {
    const made = await api.newFolder(browser.folder(), name);
    $('new-folder').close();
    browser.show(made.path, made.path_lower);
  } catch (err) {
    const problem = api.asProblem(err);
    if (['name_refused', 'name_taken'].includes(problem.code)) {
      $('new-folder-error').textContent = problem.message;
      $('new-folder-error').hidden = false;
      $('new-folder-name').setAttribute('aria-invalid', 'true');
      $('new-folder-name').focus();
    } else {
      $('new-folder').close();
      onProblem(problem, askNewFolder);
    }
  } finally {
    $('new-folder-create').disabled = false;
  }
}

/** Files dragged over the window and dropped: they go into the folder row under the
 * pointer, or the folder in view. Rust keeps their paths; the page learns only how many. */
async function watchDrops() {
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = (drag) => {
    if ($('view-connected').hidden) return;
    const x = drag.x / window.devicePixelRatio;
    const y = drag.y / window.devicePixelRatio;
    $('view-connected').classList.toggle('dropping', drag.state === 'over');
    if (drag.state === 'over') browser.markDropTarget(x, y);
    else browser.markDropTarget();
    if (drag.state !== 'dropped') return;
    const folder = browser.dropTarget(x, y).path;
    withWriteAccess(async () => {
      try {
        await uploaded(await api.uploadDropped(folder));
      } catch (e) {
        showProblem(api.asProblem(e));
      }
    });
  };
  try {
    await api.watchDrops(channel);
  } catch {
    // Without it, Upload… still works.
  }
}

/** The header: who is connected, how, and how much space is used. */
function showAccount(account, signIn) {
  shownAccount(account.account_id);
  showAccess(account.may_write);
  offline = account.offline;
  if (account.offline) setStatus('pending', t('status-offline'));
  else setStatus('connected', t('status-connected'));
  $('account-store').textContent = signIn;
  $('avatar').textContent = account.initials;
  $('account-name').textContent = account.display_name;
  $('account-email').textContent = account.email;
  const pct = account.allocated ? Math.min(100, (100 * account.used) / account.allocated) : 0;
  $('usage-bar').style.width = `${pct.toFixed(1)}%`;
  if (account.offline) $('usage-text').textContent = '';
  else {
    $('usage-text').textContent = account.allocated
      ? t('usage-of', { used: fmt.size(account.used), allocated: fmt.size(account.allocated) })
      : t('usage', { used: fmt.size(account.used) });
  }
}

/** A folder was heard from Dropbox: when the header says offline, ask for the account. */
async function backOnline() {
  if (!offline) return;
  offline = false;
  try {
    const status = await api.accountStatus();
    if (status.state === 'connected') showAccount(status.account, status.sign_in);
    else offline = true;
  } catch {
    offline = true;
  }
}

async function disconnect() {
  $('confirm-disconnect').close();
  const accountId = shownAccountId;
  if (!accountId) return;
  $('disconnect').disabled = true;
  browser.reset();
  try {
    const done = await api.disconnect(accountId);
    if (done.remaining) {
      // Another account is still connected: show it, and what happened to this one.
      await refreshStatus();
      accountNote(done.message);
    } else {
      showWelcome(done.message);
    }
  } catch (e) {
    showProblem(api.asProblem(e), disconnect);
  } finally {
    $('disconnect').disabled = !shownAccountId;
  }
}

// ---- Wiring -----------------------------------------------------------------------------

function onProblem(problem, retry) {
  if (problem.action === 'reconnect') {
    showWelcome();
    showProblem(problem, startConnect);
  } else {
    showProblem(problem, retry);
  }
}

const browser = createBrowser({ onHeard: backOnline, onProblem, withWriteAccess });
const transfers = createTransfers({
  onProblem,
  onStale: () => browser.refresh(),
  onShow: (path, lower) => browser.show(path, lower),
  onAllowWriting: allowWritingFor,
});

$('connect').addEventListener('click', () => startConnect());
$('add-account').addEventListener('click', () => { browser.reset(); startConnect(); });
$('act-upload').addEventListener('click', () => uploadPicked(false));
$('act-upload-folder').addEventListener('click', () => uploadPicked(true));
$('act-new-folder').addEventListener('click', askNewFolder);
$('new-folder-form').addEventListener('submit', makeNewFolder);
$('new-folder-cancel').addEventListener('click', () => $('new-folder').close());
document.addEventListener('keydown', (e) => {
  if ($('view-connected').hidden || document.querySelector('dialog[open]')) return;
  if (e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 'n') { askNewFolder(); e.preventDefault(); }
});
$('ask-write-yes').addEventListener('click', askToWrite);
$('ask-write-no').addEventListener('click', () => { pendingWrites = []; $('ask-write').close(); });
$('ask-write').addEventListener('cancel', () => { pendingWrites = []; });
watchDrops();
$('cancel').addEventListener('click', () => api.cancelConnect());
$('reopen').addEventListener('click', async () => {
  sayWaiting(await api.reopenBrowser().catch(() => false));
});
$('copy-link').addEventListener('click', copyLink);
$('show-paste').addEventListener('click', () => { showPaste($('paste').hidden); if (!$('paste').hidden) $('paste-code').focus(); });
$('copy-paste-url').addEventListener('click', () => navigator.clipboard.writeText(pasteUrl).catch(() => {}));
$('paste-form').addEventListener('submit', submitCode);
$('problem-action').addEventListener('click', () => { const f = problemAction; clearProblem(); f?.(); });
$('disconnect').addEventListener('click', () => $('confirm-disconnect').showModal());
$('confirm-no').addEventListener('click', () => $('confirm-disconnect').close());
$('confirm-yes').addEventListener('click', disconnect);
$('confirm-account-yes').addEventListener('click', () => answerAccount(true));
$('confirm-account-no').addEventListener('click', () => answerAccount(false));
// Escape closes the dialog: that is a no.
$('confirm-account').addEventListener('cancel', () => api.confirmConnect(false).catch(() => {}));

boot().catch((e) => showProblem(api.asProblem(e)));
