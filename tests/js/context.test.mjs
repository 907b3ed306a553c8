// The active span across `await` (js/trace/context.ts): which span a new span gets as its parent
// when code runs after an await inside async startActiveSpan / context.with functions, with one,
// nested, sibling, overlapping, ended and never-settling pending spans. Real TracerImpl spans,
// captured when they end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, Diagnostics } from './load_core.mjs';

const { TracerImpl } = await import(`${DIST}trace/tracer.js`);
const { DEFAULT_SPAN_LIMITS } = await import(`${DIST}trace/limits.js`);
const index = await import(`${DIST}index.js`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function setup(sampleRatio = 1) {
  const ended = [];
  const host = { limits: DEFAULT_SPAN_LIMITS, diag: new Diagnostics(), recording: true, spansStarted: 0, sampleRatio, onEnd: (s) => ended.push(s) };
  const tracer = new TracerImpl(host, 'test', '');
  const byName = (name) => ended.find((s) => s.name === name);
  return { tracer, host, ended, byName };
}

const isChildOf = (child, parent) =>
  child.spanContext().traceId === parent.spanContext().traceId && child.p0 === parent.s0 && child.p1 === parent.s1;
const isRoot = (span) => span.p0 === 0 && span.p1 === 0;

test('after an await inside an async startActiveSpan, new spans are its children', async () => {
  const { tracer, byName, host } = setup();
  await tracer.startActiveSpan('checkout', async (span) => {
    await sleep(10);
    tracer.startSpan('leaf').end();
    await Promise.resolve();
    await tracer.startActiveSpan('inner', async () => {
      await sleep(1);
      tracer.startSpan('inner leaf').end();
    });
    span.end();
  });
  assert.ok(isChildOf(byName('leaf'), byName('checkout')), 'leaf is a child of checkout');
  assert.ok(isChildOf(byName('inner'), byName('checkout')));
  assert.ok(isChildOf(byName('inner leaf'), byName('inner')), 'the innermost pending span wins in a nested chain');
  tracer.startSpan('after').end();
  assert.ok(isRoot(byName('after')), 'once settled, it is nobody’s parent');
  assert.equal(host.diag.counts.ambiguousParents, 0);
});

test('two overlapping async actions: neither adopts the other’s work; ambiguous continuations become roots, counted', async () => {
  const { tracer, byName, host } = setup();
  const a = tracer.startActiveSpan('action-A', { root: true }, async () => {
    await sleep(10);
    tracer.startSpan('work-A').end(); // both A and B are pending here: unknowable
  });
  const b = tracer.startActiveSpan('action-B', { root: true }, async () => {
    await sleep(40);
    tracer.startSpan('work-B').end(); // A has settled: B is the only pending span
  });
  await Promise.all([a, b]);
  assert.ok(isRoot(byName('action-A')) && isRoot(byName('action-B')));
  assert.notEqual(byName('action-A').spanContext().traceId, byName('action-B').spanContext().traceId);
  const workA = byName('work-A');
  assert.ok(isRoot(workA), 'never a child of B (a root is better than a wrong parent)');
  assert.ok(isChildOf(byName('work-B'), byName('action-B')));
  assert.equal(host.diag.counts.ambiguousParents, 1);
});

test('siblings pending in one tree: a continuation gets their common ancestor, never a sibling', async () => {
  const { tracer, byName, host } = setup();
  await tracer.startActiveSpan('page action', async () => {
    await Promise.all(
      ['c1', 'c2'].map((name) =>
        tracer.startActiveSpan(name, async () => {
          await sleep(5);
          tracer.startSpan(`${name} work`).end();
        }),
      ),
    );
  });
  assert.ok(isChildOf(byName('c1'), byName('page action')));
  assert.ok(isChildOf(byName('c2'), byName('page action')));
  assert.ok(isChildOf(byName('c1 work'), byName('page action')), 'c1 and c2 pending: their common ancestor, not c2');
  assert.ok(isChildOf(byName('c2 work'), byName('c2')), 'c1 has settled by then: c2 is the innermost pending span');
  assert.equal(host.diag.counts.ambiguousParents, 0);
});

test('a span ended inside its function, or a promise that never settles, stops being a parent', async () => {
  const { tracer, byName, host } = setup();
  await tracer.startActiveSpan('ends early', async (span) => {
    span.end();
    await sleep(1);
    tracer.startSpan('after end').end();
  });
  assert.ok(isRoot(byName('after end')));

  const realNow = performance.now;
  let shift = 0;
  performance.now = () => realNow.call(performance) + shift;
  try {
    let stuck;
    tracer.startActiveSpan('stuck', (span) => {
      stuck = span;
      return new Promise(() => {});
    });
    await sleep(1);
    const early = tracer.startSpan('early');
    early.end();
    assert.ok(isChildOf(early, stuck), 'still the parent within the bound');
    shift = 10_001; // the promise has been pending for over 10 s
    tracer.startSpan('late').end();
    assert.ok(isRoot(byName('late')), 'a never-settling span is not the parent of everything after it');
    assert.equal(host.diag.counts.ambientSpansExpired, 1);
  } finally {
    performance.now = realNow;
  }
});

test('context.with(span, fn): the explicit way, sync and async; returns what fn returns; never throws its own errors', async () => {
  const { context } = index;
  assert.equal(typeof context?.with, 'function', 'context is exported');
  const { tracer, byName } = setup();
  const parent = tracer.startSpan('parent');
  const value = context.with(parent, (x) => {
    tracer.startSpan('sync child').end();
    return x * 2;
  }, undefined, 21);
  assert.equal(value, 42);
  assert.ok(isChildOf(byName('sync child'), parent));
  await context.with(parent, async () => {
    await sleep(2);
    assert.equal(context.active(), parent);
    tracer.startSpan('async child').end();
  });
  assert.ok(isChildOf(byName('async child'), parent));
  assert.ok(parent.isRecording(), 'context.with does not end the span');
  assert.throws(() => context.with(parent, () => { throw new TypeError('app error'); }), TypeError);
  assert.equal(context.with({ not: 'a span' }, () => 'ran'), 'ran');
  assert.equal(context.active(), undefined);
  parent.end();
});

test('an unsampled async span stays the parent after await, so its children stay unsampled in its trace', async () => {
  const { tracer } = setup(0);
  await tracer.startActiveSpan('unsampled', async (span) => {
    await sleep(1);
    const child = tracer.startSpan('child');
    assert.equal(child.isRecording(), false);
    assert.equal(child.spanContext().traceId, span.spanContext().traceId);
  });
});
