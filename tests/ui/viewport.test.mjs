// Unit tests of the virtual list's arithmetic (ui/js/viewport.js), run with `node --test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as vp from '../../ui/js/viewport.js';

test('the visible range covers the rows in sight plus a margin, never below zero', () => {
  assert.deepEqual(vp.visibleRange(0, 360, 36, 12), [0, 23]);
  assert.deepEqual(vp.visibleRange(36 * 100, 360, 36, 12), [88, 123]);
  assert.deepEqual(vp.visibleRange(36 * 5 + 10, 360, 36, 12), [0, 28]);
});

test('missing rows are found only inside the view and the total', () => {
  const have = new Map([[0, {}], [1, {}], [2, {}]]);
  assert.equal(vp.missing(have, 0, 3, 3), false);
  assert.equal(vp.missing(have, 0, 10, 3), false, 'past the total is not missing');
  assert.equal(vp.missing(have, 0, 10, 5), true);
});

test('keys move the selection within the list, a page at a time for PageUp/PageDown', () => {
  assert.equal(vp.moveSelection('ArrowDown', 0, 10, 360), 1);
  assert.equal(vp.moveSelection('ArrowUp', 0, 10, 360), 0, 'stops at the top');
  assert.equal(vp.moveSelection('End', 3, 10, 360), 9);
  assert.equal(vp.moveSelection('Home', 7, 10, 360), 0);
  assert.equal(vp.moveSelection('PageDown', 0, 100, 360), 9);
  assert.equal(vp.moveSelection('PageDown', 95, 100, 360), 99, 'stops at the end');
  assert.equal(vp.moveSelection('PageUp', 20, 100, 360), 11);
  assert.equal(vp.moveSelection('a', 3, 10, 360), undefined, 'other keys do not move it');
});

test('scrolling keeps the selected row in view and stays put when it is', () => {
  assert.equal(vp.scrollFor(0, 360, 360), 0, 'above: scroll up to it');
  assert.equal(vp.scrollFor(15, 0, 360), 36 * 16 - 360, 'below: scroll down to show it whole');
  assert.equal(vp.scrollFor(3, 0, 360), 0, 'in view: no change');
});
