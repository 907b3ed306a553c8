// Attribute checks where values enter (the browser e2e test covers the same through the receiver).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newAttributeList, putAttribute, putAttributes, Diagnostics } from './load_core.mjs';

function put(entries, { count = 128, length = 10 } = {}) {
  const list = newAttributeList();
  const diag = new Diagnostics();
  const original = console.warn;
  console.warn = () => {};
  try {
    for (const [k, v] of entries) putAttribute(list, k, v, count, length, diag);
  } finally {
    console.warn = original;
  }
  return { list, counts: diag.counts };
}

test('valid values are kept; a repeated key replaces its value', () => {
  const { list } = put([['a', 'x'], ['b', 1], ['c', true], ['d', [1, 2.5]], ['a', 'y']]);
  assert.deepEqual(list.keys, ['a', 'b', 'c', 'd']);
  assert.deepEqual(list.values, ['y', 1, true, [1, 2.5]]);
});

test('invalid values are dropped and counted; undefined is skipped quietly', () => {
  const { list, counts } = put([['o', {}], ['n', NaN], ['i', Infinity], ['f', () => 1], ['s', Symbol('x')], ['b', 1n], ['m', [1, 'a']], ['nested', [[1]]], ['u', undefined], ['', 'empty key']]);
  assert.deepEqual(list.keys, []);
  assert.equal(counts.invalidAttributes, 9);
});

test('strings and arrays are clamped; the count limit drops extras', () => {
  const { list, counts } = put([['long', 'abcdefghijklmnop'], ['arr', ['abcdefghijklmnop', null]], ['big', new Array(2000).fill(0)]], { length: 10 });
  assert.equal(list.values[0], 'abcdefghij');
  assert.deepEqual(list.values[1], ['abcdefghij', null]);
  assert.equal(list.values[2].length, 1024);
  assert.equal(counts.attributeValuesTruncated, 3);
  const limited = put([['a', 1], ['b', 2], ['c', 3], ['a', 9]], { count: 2 });
  assert.deepEqual(limited.list.keys, ['a', 'b']);
  assert.deepEqual(limited.list.values, [9, 2]);
  assert.equal(limited.list.dropped, 1);
});

test('putAttributes tolerates non-objects and hostile objects', () => {
  const list = newAttributeList();
  const diag = new Diagnostics();
  const original = console.warn;
  console.warn = () => {};
  try {
    putAttributes(list, 'str', 128, 100, diag);
    putAttributes(list, [1, 2], 128, 100, diag);
    putAttributes(list, new Proxy({}, { ownKeys() { throw new Error('trap'); } }), 128, 100, diag);
    putAttributes(list, { ok: 1 }, 128, 100, diag);
  } finally {
    console.warn = original;
  }
  assert.deepEqual(list.keys, ['ok']);
  assert.equal(diag.counts.invalidArguments, 3);
});
