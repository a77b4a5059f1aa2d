// Unit tests of the problem banner's button, run with `node --test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import './english.mjs';
import { button } from '../../ui/js/problem.js';

const again = () => 'again';

test('Dismiss on "The file changed at Dropbox" only closes the banner', () => {
  const b = button({ code: 'file_changed', action: 'dismiss' }, again);
  assert.equal(b.label, 'Dismiss');
  assert.equal(b.run, null);
});

test('Retry and Reconnect run the banner\'s action', () => {
  assert.equal(button({ action: 'retry' }, again).run, again);
  const reconnect = button({ action: 'reconnect' }, again);
  assert.equal(reconnect.label, 'Reconnect');
  assert.equal(reconnect.run, again);
});

test('Allow uploads… runs the banner\'s action', () => {
  const allow = button({ code: 'write_not_allowed', action: 'allow_writing' }, again);
  assert.equal(allow.label, 'Allow uploads…');
  assert.equal(allow.run, again);
});

test('an unknown action is an OK that does nothing more', () => {
  const b = button({ action: 'launch' }, again);
  assert.equal(b.label, 'OK');
  assert.equal(b.run, null);
});
