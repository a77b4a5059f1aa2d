// The transfers panel: one row per download or upload with its bar, bytes, speed and time
// left, and the buttons that fit its state (Cancel while it runs; Open and Show in folder
// when a download is done, Show in Dropdesk when an upload is; Resume or Retry when it
// failed or was cancelled). Rust sends every change through a
// Channel; this module only draws them.

import * as api from './api.js';
import { t as say } from './l10n.js';
import * as fmt from './format.js';
import { openAsking } from './program-dialog.js';
import { transferLine } from './transfer-line.js';

const $ = (id) => document.getElementById(id);

export function createTransfers({ onProblem, onStale, onShow, onAllowWriting }) {
  const shown = new Map();
  const cleared = new Set();
  const list = $('transfer-list');

  function button(label, onClick, title = label) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button ghost small';
    b.textContent = label;
    b.setAttribute('aria-label', title);
    b.addEventListener('click', onClick);
    return b;
  }

  const act = (promise, retry) => promise.catch((e) => onProblem(api.asProblem(e), retry));

  function buttons(t) {
    const name = fmt.displayName(t.name);
    switch (t.state) {
      case 'running':
      case 'waiting':
        return [button(say('transfer-cancel'), () => act(api.cancelTransfer(t.id)), say('transfer-cancel-named', { name }))];
      case 'done':
        if (t.purpose === 'upload') {
          return t.uploaded_to
            ? [button(say('transfer-show'), () => onShow(t.uploaded_to, t.uploaded_to_lower), say('transfer-show-named', { name }))]
            : [];
        }
        return [
          button(say('transfer-open'), () => act(openAsking(t.name, (program) => api.openTransferred(t.id, false, program))), say('transfer-open-named', { name })),
          button(say('transfer-folder'), () => act(api.openTransferred(t.id, true)), say('transfer-folder-named', { name })),
        ];
      case 'failed': {
        if (t.problem?.action === 'allow_writing') {
          return [button(say('action-allow-writing'), () => onAllowWriting(t.id), say('transfer-allow-named', { name }))];
        }
        const resume = t.problem?.code === 'transfer_interrupted';
        const label = say(resume ? 'transfer-resume' : 'action-retry');
        return [button(label, () => act(api.retryTransfer(t.id)), say(resume ? 'transfer-resume-named' : 'transfer-retry-named', { name }))];
      }
      default:
        return [button(say('action-retry'), () => act(api.retryTransfer(t.id)), say('transfer-retry-named', { name }))];
    }
  }

  function draw(t) {
    let li = shown.get(t.id);
    if (!li) {
      li = document.createElement('li');
      li.className = 'transfer';
      li.id = `transfer-${t.id}`;
      const name = document.createElement('span');
      name.className = 'tname';
      const bar = document.createElement('progress');
      const line = document.createElement('span');
      line.className = 'tline';
      const actions = document.createElement('span');
      actions.className = 'tbuttons';
      li.append(name, actions, bar, line);
      list.prepend(li);
      shown.set(t.id, li);
    }
    const [name, actions, bar, line] = li.children;
    const label = fmt.displayName(t.name);
    name.textContent = label;
    name.title = t.target;
    bar.max = t.total || 1;
    bar.value = t.state === 'done' ? bar.max : Math.min(t.done, bar.max);
    bar.setAttribute('aria-label', `${label}: ${t.state}`);
    line.textContent = transferLine(t);
    if (li.dataset.state !== t.state || t.state === 'failed') actions.replaceChildren(...buttons(t));
    li.dataset.state = t.state;
    li.dataset.done = String(t.done);
    $('transfers').hidden = shown.size === 0;
  }

  function onChange(t) {
    // The grant is gone: the window goes to the reconnect state, as for any call.
    if (t.state === 'failed' && t.problem?.action === 'reconnect') onProblem(t.problem);
    // Dropbox refused the upload for want of write access: ask for it, then retry.
    if (t.state === 'failed' && t.problem?.action === 'allow_writing' && shown.get(t.id)?.dataset.state !== 'failed') onAllowWriting(t.id);
    // The file changed or vanished at Dropbox meanwhile: the folder shows what is there now.
    if (t.state === 'failed' && ['file_changed', 'file_gone'].includes(t.problem?.code) && shown.get(t.id)?.dataset.state !== 'failed') onStale();
    if (cleared.has(t.id) && t.state !== 'running') return;
    cleared.delete(t.id);
    draw(t);
  }

  $('transfers-clear').addEventListener('click', () => {
    for (const [id, li] of shown) {
      if (['done', 'cancelled'].includes(li.dataset.state)) {
        li.remove();
        shown.delete(id);
        cleared.add(id);
      }
    }
    $('transfers').hidden = shown.size === 0;
  });

  return {
    /** Start hearing of the transfers (once connected). */
    async watch() {
      const channel = new window.__TAURI__.core.Channel();
      channel.onmessage = onChange;
      try {
        for (const t of await api.watchTransfers(channel)) onChange(t);
      } catch (e) {
        onProblem(api.asProblem(e), () => this.watch());
      }
    },
    /** Forget what is shown (after Disconnect). */
    clear() {
      shown.clear();
      list.replaceChildren();
      $('transfers').hidden = true;
    },
  };
}
