// Batches too large for keepalive sent at once (a flush): a keepalive head is split off only
// while the keepalive budget has room for it. All the batches of a flush decided their heads
// before any head had reserved its room, so all but the first went as plain requests too: the
// split doubled the requests (39 instead of 20 in the benchmark's S1) and protected nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const fetched = [];
globalThis.fetch = async (url, init) => {
  fetched.push({ keepalive: init.keepalive, bytes: init.body instanceof Blob ? init.body.size : init.body.byteLength });
  await new Promise((r) => setTimeout(r, 5));
  return new Response(null, { status: 200, headers: { 'content-length': '0' } });
};
const { fetchTransport, KEEPALIVE_BODY_LIMIT } = await import('../../build/pkg/dist/export/fetch_transport.js');
const { CoreHandle, RecordWriter, Sender, deliverySettings, coreStats, newCore, newAttributeList } = await import('./load_core.mjs');

/** An encoded trace request with `n` spans of about `bytes` bytes each. */
function spans(core, n, bytes) {
  const writer = new RecordWriter();
  for (let i = 0; i < n; i++) {
    const attributes = newAttributeList();
    attributes.keys.push('blob');
    attributes.values.push(`${i}:${'x'.repeat(bytes)}`);
    writer.writeSpan({
      t0: 1, t1: 2, t2: 3, t3: 4, s0: 5, s1: i + 1, p0: 0, p1: 0, traceFlags: 1, kind: 0, name: `s${i}`,
      scopeName: 'test', scopeVersion: '', traceState: '', startMs: 1.7e12, endMs: 1.7e12 + 1,
      statusCode: 0, statusMessage: '', attributes, events: undefined, droppedEvents: 0, links: undefined, droppedLinks: 0,
    });
  }
  core.ingest(0, writer.take());
  return core.takeRequest(0, 0);
}

test('six batches over the keepalive budget sent at once: every head split off goes with keepalive, the others whole', async () => {
  const BATCHES = 6;
  const core = newCore({ offline: false, compression: 'none', batch: { maxExportBatchSize: 100, maxQueueSize: 2048 } });
  const sender = new Sender(new CoreHandle(core, core.settings), fetchTransport, deliverySettings(core.settings), () => false);
  const bodies = Array.from({ length: BATCHES }, () => spans(core, 100, 1000));
  assert.ok(bodies.every((b) => b.byteLength > KEEPALIVE_BODY_LIMIT), bodies.map((b) => b.byteLength).join(', '));
  await Promise.all(bodies.map((b) => sender.send(0, b, 100)));
  const shown = JSON.stringify(fetched);
  const plain = fetched.filter((f) => !f.keepalive);
  assert.equal(plain.length, BATCHES, `each batch once as a plain request (whole, or the rest after a head): ${shown}`);
  assert.equal(fetched.length - BATCHES, fetched.filter((f) => f.keepalive).length, `every extra request is a keepalive head: ${shown}`);
  assert.ok(fetched.filter((f) => f.keepalive).length >= 1, `the budget's room went to a head: ${shown}`);
  assert.equal(coreStats(core).spansExported, BATCHES * 100);
});
