// Unit tests of the waiting view's words, run with `node --test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import './english.mjs';
import { lead } from '../../ui/js/waiting.js';

test('with no browser started, the view does not say a page opened', () => {
  for (const listening of [true, false]) {
    const text = lead({ browser_opened: false, listening });
    assert.doesNotMatch(text, /opened in your browser/);
    assert.match(text, /could not start your browser/);
  }
});

test('with the browser started, it says where to approve', () => {
  assert.match(lead({ browser_opened: true, listening: true }), /opened in your browser/);
  assert.match(lead({ browser_opened: true, listening: false }), /paste the code/);
});
