// What the transport hands to `fetch` as the body: a large plain export as a Blob (Chromium
// uploads a typed array that large much more slowly: bench/fetch_options.mjs), everything else
// as the bytes themselves, and always exactly the bytes it was given. That such requests arrive
// intact in real browsers is tests/e2e/large_body.e2e.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// `fetch` as the transport will see it: the transport captures the global when its module loads.
const fetched = [];
globalThis.fetch = async (url, init) => {
  fetched.push(init);
  return new Response(null, { status: 200, headers: { 'content-length': '0' } });
};
const { DIST } = await import('./load_core.mjs');
const { fetchTransport } = await import(`${DIST}export/fetch_transport.js`);

/** `n` bytes of a recognisable pattern, as a view into a larger buffer (as the core's requests may be). */
function bytes(n) {
  const buffer = new Uint8Array(n + 16);
  for (let i = 0; i < buffer.length; i++) buffer[i] = (i * 7 + 3) & 0xff;
  return buffer.subarray(8, 8 + n);
}

async function sent(init) {
  return init.body instanceof Blob ? new Uint8Array(await init.body.arrayBuffer()) : init.body;
}

test('a plain export over 64 KiB goes to fetch as a Blob of exactly its bytes', async () => {
  fetched.length = 0;
  const body = bytes(100 * 1024);
  const response = await fetchTransport('http://h/v1/otlp/v1/traces', { 'content-type': 'application/x-protobuf' }, body, 1000, false);
  assert.equal(response.status, 200);
  assert.equal(fetched.length, 1);
  assert.ok(fetched[0].body instanceof Blob, `body passed as ${fetched[0].body?.constructor?.name}`);
  assert.equal(fetched[0].keepalive, false);
  assert.deepEqual(await sent(fetched[0]), new Uint8Array(body));
});

test('smaller exports, and every keepalive one, go as the bytes themselves', async () => {
  fetched.length = 0;
  const small = bytes(64 * 1024);
  const keepalive = bytes(20 * 1024);
  await fetchTransport('http://h/v1/otlp/v1/traces', {}, small, 1000, false);
  await fetchTransport('http://h/v1/otlp/v1/traces', {}, keepalive, 1000, true);
  assert.deepEqual(
    fetched.map((init) => [init.body instanceof Uint8Array, init.keepalive]),
    [
      [true, false],
      [true, true],
    ],
  );
  assert.deepEqual(await sent(fetched[0]), small);
  assert.deepEqual(await sent(fetched[1]), keepalive);
});

test('an empty answer is read only for a keepalive request, whose budget it gives back; a plain one is left unread', async () => {
  const read = [];
  const { transportOver } = await import(`${DIST}export/fetch_transport.js`);
  const transport = transportOver(async (url, init) => {
    const response = new Response(null, { status: 200, headers: { 'content-length': '0' } });
    response.arrayBuffer = async () => (read.push(init.keepalive), new ArrayBuffer(0));
    return response;
  });
  assert.equal((await transport('http://h/v1/otlp/v1/traces', {}, bytes(100 * 1024), 1000, true)).status, 200, 'over the budget: plain');
  assert.equal((await transport('http://h/v1/otlp/v1/traces', {}, bytes(1024), 1000, true)).status, 200);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(read, [true], 'only the keepalive answer was read');
  assert.equal(transport.keepaliveRoom(), 60 * 1024, 'its budget given back');
});
