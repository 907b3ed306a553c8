// TailBackups (js/export/tail_backup.ts) against a scripted offline store: when copies are
// written, deleted, handed over and relinquished, i.e. what keeps a batch exactly once between
// the page's own request and its copies in IndexedDB. The browser side (real IndexedDB, a real
// close, a killed renderer) is in tests/e2e/unload.e2e.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const { TailBackups, BACKUP_DELAY_MILLIS } = await import('../../build/pkg/dist/export/tail_backup.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A store whose copy writes commit when the test says so (`commit()`), recording every call. */
function scriptedStore() {
  const calls = [];
  const writes = [];
  const store = {
    hold(owner, until, requests) {
      calls.push({ op: 'hold', owner, until, pieces: requests.map((r) => r.body), items: requests.map((r) => r.items) });
      let resolve;
      const done = new Promise((r) => (resolve = r));
      const write = { finished: false, commit: () => ((write.finished = true), resolve(requests.map((_, i) => 100 + i))) };
      writes.push(write);
      return {
        done,
        abort: () => {
          if (write.finished) return false;
          write.finished = true;
          calls.push({ op: 'abort' });
          resolve(undefined);
          return true;
        },
      };
    },
    rehold: async (owner, ids, until) => void calls.push({ op: 'rehold', ids, until }),
    deleteAll: async (ids) => void calls.push({ op: 'deleteAll', ids }),
  };
  const access = { opened: store, ready: () => ({ store, destination: { url: 'u', headers: {}, fingerprint: 'f' } }) };
  return { access, calls, commitAll: async () => (writes.forEach((w) => !w.finished && w.commit()), await sleep(0)) };
}

function backups(access, handedOver = []) {
  return new TailBackups(true, access, 'page-1', (n) => handedOver.push(n));
}

const piece = (n) => new Uint8Array(n);

test('a batch answered within the delay costs no IndexedDB write', async () => {
  const { access, calls } = scriptedStore();
  const b = backups(access);
  const body = piece(10);
  b.watch(0, body, [[body, 5]]);
  await b.settled(body);
  await sleep(BACKUP_DELAY_MILLIS + 30);
  assert.deepEqual(calls, []);
});

test('unanswered after the delay: copies held for this page; answered: deleted', async () => {
  const { access, calls, commitAll } = scriptedStore();
  const b = backups(access);
  const body = piece(30);
  const pieces = [[piece(10), 2], [piece(20), 3]];
  const t0 = Date.now();
  b.watch(0, body, pieces);
  await sleep(BACKUP_DELAY_MILLIS + 30);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].op, 'hold');
  assert.equal(calls[0].owner, 'page-1');
  assert.deepEqual(calls[0].items, [2, 3]);
  assert.ok(calls[0].until >= t0 + 2900 && calls[0].until <= Date.now() + 3000, 'held for about 3 s');
  await commitAll();
  await b.settled(body);
  assert.deepEqual(calls.at(-1), { op: 'deleteAll', ids: [100, 101] });
});

test('answered while the copies are still being written: deleted once the write commits', async () => {
  const { access, calls, commitAll } = scriptedStore();
  const b = backups(access);
  const body = piece(10);
  b.watch(0, body, [[body, 4]], 0);
  assert.equal(calls[0].op, 'hold', 'delay 0 (a retry in backoff): written at once');
  const settled = b.settled(body);
  await commitAll();
  await settled;
  assert.deepEqual(calls.map((c) => c.op), ['hold', 'deleteAll']);
});

test('kept for later: the copies lose their hold instead of being written again', async () => {
  const { access, calls, commitAll } = scriptedStore();
  const handed = [];
  const b = backups(access, handed);
  const body = piece(10);
  b.watch(0, body, [[body, 7]], 0);
  await commitAll();
  assert.equal(await b.keep(body), true);
  assert.deepEqual(calls.at(-1), { op: 'rehold', ids: [100], until: undefined });
  assert.deepEqual(handed, [7], 'counted as persisted once handed over');
  assert.equal(await b.keep(piece(1)), false, 'a batch without copies is written the usual way');
});

test('page hide: committed copies stay in the store and their pieces are not sent; a write in progress is aborted', async () => {
  const { access, calls, commitAll } = scriptedStore();
  const handed = [];
  const b = backups(access, handed);
  const committed = piece(40);
  const committedPieces = [[piece(10), 1], [piece(30), 9]];
  b.watch(0, committed, committedPieces, 0);
  await commitAll();
  const writing = piece(50);
  b.watch(0, writing, [[writing, 6]], 0); // its write has not committed when the page hides
  const waiting = piece(60);
  b.watch(0, waiting, [[waiting, 2]]); // still within the delay: nothing written
  b.relinquishAll();
  assert.deepEqual([...b.inStore(committed)], committedPieces.map(([p]) => p));
  assert.equal(b.inStore(writing), undefined, 'aborted: its pieces go the page-hide way');
  assert.equal(b.inStore(waiting), undefined);
  assert.deepEqual(calls.map((c) => c.op), ['hold', 'hold', 'abort'], 'nothing written at hide');
  assert.deepEqual(handed, [10]);
  // After hide the page no longer touches them: the next page sends them once the hold lapses.
  await b.settled(committed);
  await sleep(BACKUP_DELAY_MILLIS + 30);
  assert.deepEqual(calls.map((c) => c.op), ['hold', 'hold', 'abort']);
});

test('the hold is renewed while the batch is unanswered, in one transaction for all batches', async () => {
  const { access, calls, commitAll } = scriptedStore();
  const b = backups(access);
  const one = piece(1);
  const two = piece(2);
  b.watch(0, one, [[one, 1]], 0);
  b.watch(2, two, [[two, 1]], 0);
  await commitAll();
  await sleep(1100);
  const renewals = calls.filter((c) => c.op === 'rehold');
  assert.equal(renewals.length, 1);
  assert.equal(renewals[0].ids.length, 2);
  assert.ok(renewals[0].until > Date.now() + 2000);
  b.relinquishAll(); // stops renewing
  await sleep(1100);
  assert.equal(calls.filter((c) => c.op === 'rehold').length, 1);
});

test('offline store off: nothing is watched', async () => {
  const { access, calls } = scriptedStore();
  const b = new TailBackups(false, access, 'page-1', () => {});
  const body = piece(10);
  b.watch(0, body, [[body, 1]], 0);
  assert.deepEqual(calls, []);
});
