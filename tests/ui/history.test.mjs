// Unit tests of Back/Forward (ui/js/history.js), run with `node --test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createHistory } from '../../ui/js/history.js';

test('back and forward walk the folders visited', () => {
  const h = createHistory();
  assert.equal(h.canBack(), false);
  h.visit('');
  h.visit('/a');
  assert.equal(h.back('/a/b'), '/a');
  assert.equal(h.back('/a'), '');
  assert.equal(h.back(''), undefined, 'nothing before the first folder');
  assert.equal(h.forward(''), '/a');
  assert.equal(h.forward('/a'), '/a/b');
  assert.equal(h.canForward(), false);
});

test('visiting a new folder drops the forward list', () => {
  const h = createHistory();
  h.visit('');
  h.back('/a');
  assert.equal(h.canForward(), true);
  h.visit('');
  assert.equal(h.canForward(), false);
  h.clear();
  assert.equal(h.canBack(), false);
});
