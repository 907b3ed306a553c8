// Batches too large for keepalive sent at once (a flush): a keepalive head is split off only
// while the keepalive budget has room for it. All the batches of a flush decided their heads
// before any head had reserved its room, so all but the first went as plain requests too: the
// split doubled the requests (39 instead of 20 in the benchmark's S1) and protected nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fetched } from './recording_fetch.mjs';

const { fetchTransport, KEEPALIVE_BODY_LIMIT } = await import('../../build/pkg/dist/export/fetch_transport.js');
const { CoreHandle, Sender, deliverySettings, newCore, encodedSpans } = await import('./load_core.mjs');

test('six batches over the keepalive budget sent at once: every head split off goes with keepalive, the others whole', async () => {
  const BATCHES = 6;
  const core = newCore({ offline: false, compression: 'none', batch: { maxExportBatchSize: 100, maxQueueSize: 2048 } });
  const sender = new Sender(new CoreHandle(core, core.settings), fetchTransport, deliverySettings(core.settings), () => false);
  const bodies = Array.from({ length: BATCHES }, () => encodedSpans(core, 100, 1000));
  assert.ok(bodies.every((b) => b.byteLength > KEEPALIVE_BODY_LIMIT), bodies.map((b) => b.byteLength).join(', '));
  await Promise.all(bodies.map((b) => sender.send(0, b, 100)));
  const shown = JSON.stringify(fetched);
  const plain = fetched.filter((f) => !f.keepalive);
  assert.equal(plain.length, BATCHES, `each batch once as a plain request (whole, or the rest after a head): ${shown}`);
  assert.equal(fetched.length - BATCHES, fetched.filter((f) => f.keepalive).length, `every extra request is a keepalive head: ${shown}`);
  assert.ok(fetched.filter((f) => f.keepalive).length >= 1, `the budget's room went to a head: ${shown}`);
  assert.equal(sender.counters.spansExported, BATCHES * 100);
});
