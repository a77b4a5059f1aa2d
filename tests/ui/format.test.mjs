// Unit tests of the UI's formatting (sizes, dates, file kinds, a name's stem, a transfer's line), run with
// `node --test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as fmt from '../../ui/js/format.js';
import './english.mjs';

test('sizes in human units', () => {
  assert.equal(fmt.size(0), '0 B');
  assert.equal(fmt.size(999), '999 B');
  assert.equal(fmt.size(1000), '1.0 KB');
  assert.equal(fmt.size(38_912), '38.9 KB');
  assert.equal(fmt.size(48_221_905), '48.2 MB');
  assert.equal(fmt.size(2_199_023_255_552), '2.2 TB');
  assert.equal(fmt.size(null), '');
});

test('recent dates are relative, older ones exact, both with an exact tooltip', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const [recent, tip] = fmt.date('2026-06-01T11:30:00Z', now);
  assert.match(recent, /30 minutes ago/);
  assert.ok(tip.length > 8);
  assert.match(fmt.date('2026-05-31T12:00:00Z', now)[0], /yesterday|1 day ago/);
  const [old] = fmt.date('2024-01-15T08:00:00Z', now);
  assert.match(old, /2024/);
  assert.deepEqual(fmt.date(undefined, now), ['', '']);
  assert.deepEqual(fmt.date('not a date', now), ['', '']);
});

test('kinds by extension, case-insensitive', () => {
  const kind = (name, k = 'file') => fmt.kindOf({ name, kind: k });
  assert.equal(kind('Photos', 'folder'), 'folder');
  assert.equal(kind('IMG_2043.HEIC'), 'image');
  assert.equal(kind('Quarterly report Q3.docx'), 'document');
  assert.equal(kind('site-backup-2025.tar.gz'), 'archive');
  assert.equal(kind('02 – Interlude.flac'), 'audio');
  assert.equal(kind('Beach at dusk.mp4'), 'video');
  assert.equal(kind('main.rs'), 'code');
  assert.equal(kind('README'), 'other');
  assert.equal(kind('.hidden'), 'other');
});

test('names lose the bidi controls that would disguise their extension', () => {
  assert.equal(fmt.displayName('invoice\u202Efdp.exe'), 'invoicefdp.exe');
  assert.equal(fmt.displayName('a\u2066b\u2069c\u202Ad\u202C'), 'abcd');
  assert.equal(fmt.displayName('Résumé (final).pdf'), 'Résumé (final).pdf');
});

test('a running transfer says how much, how fast and how long', async () => {
  const { transferLine } = await import('../../ui/js/transfer-line.js');
  const line = transferLine({ state: 'running', done: 1_500_000, total: 4_000_000, bytes_per_sec: 500_000, seconds_left: 5 });
  assert.equal(line, '1.5 MB of 4.0 MB · 500 KB/s · 5 s left');
});

test('a waiting transfer says how long it waits; a failed one its problem', async () => {
  const { transferLine } = await import('../../ui/js/transfer-line.js');
  assert.equal(transferLine({ state: 'waiting', done: 0, total: 10, wait_secs: 30 }), '0 B of 10 B · waiting 30 s before trying again');
  assert.equal(transferLine({ state: 'failed', done: 5, total: 10, problem: { title: 'Download interrupted' } }), 'Download interrupted');
});

test('a replace that met a newer version says where the upload was kept', async () => {
  const { transferLine } = await import('../../ui/js/transfer-line.js');
  const line = transferLine({ state: 'done', done: 4, total: 4, conflicted: true, uploaded_to: '/Notes/plan (conflicted copy).txt' });
  assert.equal(line, 'Changed at Dropbox meanwhile: theirs is kept, yours is beside it as “\u2068plan (conflicted copy).txt\u2069”');
  assert.equal(transferLine({ state: 'done', done: 4, total: 4, conflicted: false, uploaded_to: '/plan.txt' }), 'Done · 4 B');
});

test('durations read as a person would say them', async () => {
  const { duration } = await import('../../ui/js/transfer-line.js');
  assert.equal(duration(0.2), '1 s');
  assert.equal(duration(125), '2 min');
  assert.equal(duration(3900), '1 h 5 min');
});

test("renaming selects a file's name up to its extension, and a folder's whole name", () => {
  assert.equal(fmt.stemLength('Budget 2026.xlsx', 'file'), 'Budget 2026'.length);
  assert.equal(fmt.stemLength('archive.tar.gz', 'file'), 'archive.tar'.length);
  assert.equal(fmt.stemLength('.bashrc', 'file'), '.bashrc'.length);
  assert.equal(fmt.stemLength('README', 'file'), 'README'.length);
  assert.equal(fmt.stemLength('v1.2 release', 'folder'), 'v1.2 release'.length);
});
