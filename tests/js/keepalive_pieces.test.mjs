// Keepalive-sized pieces of a plain request (sender.ts): what page hide and the tail backups
// send instead of a batch too large for keepalive. A flush of batches answered at once must not
// pay for splitting them (S1 against the fast sink: 3–4 ms of main-thread time), and a batch
// still in flight must have its pieces before page hide, which then splits nothing (Firefox cuts
// a closing tab's script short).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fetched } from './recording_fetch.mjs';

const { fetchTransport, KEEPALIVE_BODY_LIMIT } = await import('../../build/pkg/dist/export/fetch_transport.js');
const { CoreHandle, Sender, deliverySettings, newCore, encodedSpans } = await import('./load_core.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A sender whose splits are recorded: the bodies `halves` was asked to split, and when. */
function spiedSender(core, transport, hidden = () => false) {
  const sender = new Sender(new CoreHandle(core, core.settings), transport, deliverySettings(core.settings), hidden);
  const splits = [];
  const halves = sender.halves.bind(sender);
  sender.halves = (signal, body) => {
    splits.push(body);
    return halves(signal, body);
  };
  return { sender, splits };
}

test('a flush of batches too large for keepalive, answered at once: only the one with a keepalive head is split', async () => {
  const BATCHES = 6;
  const core = newCore({ offline: false, compression: 'none', batch: { maxExportBatchSize: 100, maxQueueSize: 2048 } });
  const { sender, splits } = spiedSender(core, fetchTransport);
  const bodies = Array.from({ length: BATCHES }, () => encodedSpans(core, 100, 1000));
  assert.ok(bodies.every((b) => b.byteLength > KEEPALIVE_BODY_LIMIT && b.byteLength < 2 * KEEPALIVE_BODY_LIMIT), bodies.map((b) => b.byteLength).join(', '));
  await Promise.all(bodies.map((b) => sender.send(0, b, 100)));
  await sleep(200); // past any preparation put off to an idle moment or a timer
  const split = bodies.filter((b) => splits.includes(b));
  assert.equal(split.length, 1, `batches split: ${split.length} of ${BATCHES}`);
  assert.equal(fetched.filter((f) => f.keepalive).length, 1, 'its head went with keepalive');
  assert.equal(sender.counters.spansExported, BATCHES * 100);
});

test('a batch still in flight without a keepalive head gets its pieces while visible: page hide splits nothing', async () => {
  const core = newCore({ offline: false, compression: 'none', batch: { maxExportBatchSize: 400, maxQueueSize: 400 } });
  // No keepalive room for a head; plain requests hang until page hide aborts them.
  const sent = [];
  const transport = (url, headers, body, timeoutMillis, keepalive, abort) => {
    sent.push({ bytes: body.byteLength, keepalive, plain: abort !== undefined });
    if (!abort) return Promise.resolve({ status: 200, body: new Uint8Array(0) });
    return new Promise((resolve) => abort.addEventListener('abort', () => resolve({ status: 0, body: new Uint8Array(0) })));
  };
  // No room when the batch is sent (so no head is split off), all of it at page hide.
  transport.keepaliveRoom = () => (sent.some((s) => s.plain) ? KEEPALIVE_BODY_LIMIT : 0);
  let hidden = false;
  const { sender, splits } = spiedSender(core, transport, () => hidden);
  const body = encodedSpans(core, 400, 1024);
  const delivered = sender.send(0, body, 400);
  await sleep(150);
  assert.deepEqual(sent.map((s) => s.plain), [true], 'one plain request in flight, no head');
  const before = splits.length;
  assert.ok(before > 0, 'split while the page was visible');
  hidden = true;
  sender.pageHiding(true);
  assert.equal(splits.length, before, 'no split in the page-hide task');
  await delivered;
  const pieces = sent.slice(1);
  assert.ok(pieces.length > 1 && pieces.every((p) => p.bytes <= KEEPALIVE_BODY_LIMIT), pieces.map((p) => p.bytes).join(', '));
  assert.equal(sender.counters.spansExported, 400);
});
