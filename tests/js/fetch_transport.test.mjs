// The exporter's transport against a real HTTP server (Node's fetch): a 2xx is an acceptance
// even when its body cannot be read, so the batch is not sent again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { DIST } from './load_core.mjs';

const { fetchTransport } = await import(`${DIST}export/fetch_transport.js`);

/** A server that answers `status`, promises a 1000-byte body, sends 10 bytes and cuts the connection. */
async function cutBodyServer(status) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial"');
      setTimeout(() => res.socket.destroy(), 20);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/v1/otlp/v1/traces`, requests: () => requests, close: () => new Promise((r) => server.close(r)) };
}

test('a 2xx whose body cannot be read is still an acceptance (not a network error to retry)', async () => {
  const server = await cutBodyServer(200);
  try {
    const response = await fetchTransport(server.url, { 'content-type': 'application/x-protobuf' }, new Uint8Array([1, 2, 3]), 5000, false);
    assert.equal(server.requests(), 1);
    assert.equal(response.status, 200);
    assert.equal(response.body.byteLength, 0);
  } finally {
    await server.close();
  }
});
