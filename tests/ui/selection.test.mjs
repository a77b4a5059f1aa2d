import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSelection } from '../../ui/js/selection.js';

test('a click selects one row and Ctrl+click adds and removes rows', () => {
  const s = createSelection();
  s.only(3);
  assert.deepEqual(s.rows(10), [3]);
  s.toggle(5, 10);
  s.toggle(1, 10);
  assert.deepEqual(s.rows(10), [1, 3, 5]);
  s.toggle(3, 10);
  assert.deepEqual(s.rows(10), [1, 5]);
});

test('the last selected row stays selected when Ctrl+clicked', () => {
  const s = createSelection();
  s.only(2);
  s.toggle(2, 10);
  assert.deepEqual(s.rows(10), [2]);
});

test('Shift selects the range from the anchor either way', () => {
  const s = createSelection();
  s.only(4);
  s.extend(7);
  assert.deepEqual(s.rows(10), [4, 5, 6, 7]);
  s.extend(2);
  assert.deepEqual(s.rows(10), [2, 3, 4]);
});

test('Ctrl+A selects every row, and Ctrl+click then removes one', () => {
  const s = createSelection();
  s.selectAll();
  assert.equal(s.rows(4).length, 4);
  assert.ok(s.has(3));
  s.toggle(1, 4);
  assert.deepEqual(s.rows(4), [0, 2, 3]);
});

test('rows past the end of a shrunken view are not selected', () => {
  const s = createSelection();
  s.only(1);
  s.extend(8);
  assert.deepEqual(s.rows(3), [1, 2]);
});
