// forceFlush resolves only once every export it started has been answered, even when the
// first full batch (which starts an export of its own as it is handed over, inside the flush)
// is answered last: that export ran beside the flush's own, which did not wait for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const { newSdk } = await import('./load_core.mjs');

test('forceFlush waits for every batch, the first one answered last', async () => {
  let calls = 0;
  const transport = async (url, headers, body) => {
    const slow = calls++ === 0;
    await new Promise((r) => setTimeout(r, slow ? 200 : 5));
    return { status: 200, body: new Uint8Array(0), retryAfter: null };
  };
  const sdk = newSdk({ compression: 'none', offline: false, rum: false, batch: { maxExportBatchSize: 100, maxQueueSize: 2000, scheduledDelayMillis: 3600000 } }, transport);
  for (let i = 0; i < 300; i++) sdk.tracer.startSpan(`s${i}`).end();
  await sdk.forceFlush();
  assert.equal(calls, 3, 'three batches of 100');
  assert.equal(sdk.stats().spansExported, 300, 'every batch answered before forceFlush resolved');
  await sdk.shutdown();
});
