// TailBackups (js/export/tail_backup.ts): the two windows in which a batch may
// be sent twice are counted (stats().itemsPossiblyDuplicated), over a fake store.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const { TailBackups } = await import('../../build/pkg/dist/export/tail_backup.js');

/** A store that records its calls; every write commits at once with ids 1, 2, … */
function fakeOffline() {
  const calls = [];
  let next = 1;
  const store = {
    hold: (owner, until, requests) => {
      calls.push(['hold', requests.length]);
      return { abort: () => false, done: Promise.resolve(requests.map(() => next++)) };
    },
    rehold: async (owner, ids, until) => void calls.push(['rehold', ids.slice(), until]),
    deleteAll: async (ids) => void calls.push(['deleteAll', ids.slice()]),
  };
  return { calls, access: { opened: store, ready: () => ({ store, destination: { url: 'u', headers: {}, fingerprint: 'f' } }) } };
}

function backups(offline) {
  const counted = { duplicated: 0, handedOver: 0 };
  const b = new TailBackups(true, offline.access, 'me', (n) => (counted.handedOver += n), (n) => (counted.duplicated += n));
  return { b, counted };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('hidden before the delete of an answered batch committed: started at once and counted as possibly duplicated', async () => {
  const offline = fakeOffline();
  const { b, counted } = backups(offline);
  const body = new Uint8Array([1]);
  b.watch(1, body, [[new Uint8Array([2]), 7], [new Uint8Array([3]), 5]], 0);
  await tick(); // the copies are written
  const settled = b.settled(body); // answered: its delete waits for the next task
  await Promise.resolve();
  assert.deepEqual(offline.calls.filter(([c]) => c === 'deleteAll'), [], 'not started yet');
  b.relinquishAll(); // page hide in the same task
  assert.deepEqual(offline.calls.filter(([c]) => c === 'deleteAll'), [['deleteAll', [1, 2]]], 'started by page hide');
  assert.equal(counted.duplicated, 12);
  await settled;
  assert.equal(offline.calls.filter(([c]) => c === 'deleteAll').length, 1, 'once');
});

test('a delete committed before page hide, and an unanswered batch: nothing counted as possibly duplicated', async () => {
  const offline = fakeOffline();
  const { b, counted } = backups(offline);
  const answered = new Uint8Array([1]);
  const pending = new Uint8Array([4]);
  b.watch(1, answered, [[new Uint8Array([2]), 7]], 0);
  b.watch(1, pending, [[new Uint8Array([3]), 3]], 0);
  await tick();
  await b.settled(answered);
  b.relinquishAll();
  assert.equal(counted.duplicated, 0);
  assert.equal(counted.handedOver, 3, 'the unanswered batch is handed over to the store, once');
});

test('a main thread stalled past the hold: the late renewal counts the copies as possibly duplicated, once', async (t) => {
  const offline = fakeOffline();
  const { b, counted } = backups(offline);
  b.watch(1, new Uint8Array([1]), [[new Uint8Array([2]), 9]], 0);
  await tick();
  const realNow = Date.now;
  t.after(() => {
    Date.now = realNow;
    b.relinquishAll(); // stops the renewal timer, also when an assertion failed
  });
  Date.now = () => realNow() + 4000; // the renewal timer (1 s) fires 4 s late
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(counted.duplicated, 9);
  assert.ok(offline.calls.some(([c]) => c === 'rehold'), 'renewed all the same');
  Date.now = realNow;
  await new Promise((r) => setTimeout(r, 1100)); // on time now
  assert.equal(counted.duplicated, 9, 'counted once');
});
