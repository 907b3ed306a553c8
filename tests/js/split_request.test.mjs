// The 413 / keepalive splitter (js/export/split_request.ts) on requests written by the official
// opentelemetry-proto package, its halves read back by the same package (tests/js/split_requests.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST } from './load_core.mjs';

const { splitRequest } = await import(`${DIST}export/split_request.js`);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PY = [join(ROOT, '.venv/bin/python'), join(ROOT, 'tests/js/split_requests.py')];
const dir = mkdtempSync(join(tmpdir(), 'gwt-split-'));
execFileSync(PY[0], [PY[1], 'make', dir]);
const body = (name) => new Uint8Array(readFileSync(join(dir, `${name}.bin`)));
/** Each body as the official package reads it (the file name starts with the signal). */
function read(kind, ...bodies) {
  const files = bodies.map((b, i) => {
    const file = join(dir, `${kind}.${i}.out`);
    writeFileSync(file, b);
    return file;
  });
  return JSON.parse(execFileSync(PY[0], [PY[1], 'read', ...files]).toString());
}
const RESOURCE = { 'service.name': 'web' };
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('traces split in half, keeping the resource, the scopes, their schema URLs and the order', () => {
  const [[first, n1], [second, n2]] = splitRequest(0, body('traces'));
  assert.deepEqual([n1, n2], [2, 3]);
  const [a, b] = read('traces', first, second);
  assert.deepEqual(a, [[RESOURCE, 's', [['a', '1', '', ['1', '2']]]]]);
  assert.deepEqual(b, [[RESOURCE, 's', [['a', '1', '', ['4']], ['b', '', 't', ['3', '5']]]]]);
});

test('logs, and metrics counted in data points, split the same way', () => {
  const [[l1, n1], [l2, n2]] = splitRequest(2, body('logs'));
  assert.deepEqual([n1, n2], [1, 2]);
  assert.deepEqual(read('logs', l1, l2), [[[RESOURCE, '', [['a', '1', '', ['1']]]]], [[RESOURCE, '', [['b', '', '', ['2', '3']]]]]]);
  const [[m1, p1], [m2, p2]] = splitRequest(1, body('metrics'));
  assert.deepEqual([p1, p2], [3, 3], 'a | b, c');
  assert.deepEqual(read('metrics', m1, m2), [
    [[RESOURCE, '', [['a', '1', '', [['a', [0, 1, 2]]]]]]],
    [[RESOURCE, '', [['a', '1', '', [['b', [0]], ['c', [0, 1]]]]]]],
  ]);
});

test('single items and malformed bodies are not split', () => {
  assert.equal(splitRequest(0, body('one')), undefined);
  assert.equal(splitRequest(0, new Uint8Array([0xff, 0xff])), undefined);
  assert.equal(splitRequest(0, new Uint8Array([0x0a, 0x05, 0x01])), undefined, 'a length past the end');
  assert.equal(splitRequest(0, new Uint8Array([0x08, 0x01])), undefined, 'not a resource entry');
  assert.equal(splitRequest(0, new Uint8Array(0)), undefined);
});
