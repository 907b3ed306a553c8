// The OpenTelemetry API bridge (greptime-web-telemetry/otel) against the real @opentelemetry/api
// package: which globals it registers, spans nesting both ways (sync, after await, explicit
// contexts, root contexts), W3C propagation, API instruments and log records reaching the SDK,
// and an already-registered global of another version or SDK (no throw, one warning, a result
// that says what is ours). A real TelemetrySdk over the WASM core; spans and log records are
// captured as the SDK hands them to its pipelines.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { context, logs, metrics, propagation, trace, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { DIST, newSdk, fakeTransport } from './load_core.mjs';

const { registerGlobals } = await import(`${DIST}otel/index.js`);
const { context: ourContext } = await import(`${DIST}index.js`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const GLOBAL = Symbol.for('opentelemetry.js.api.1');

function setup() {
  const sdk = newSdk({ metrics: { exportIntervalMillis: 600000 } }, fakeTransport().transport);
  const ended = [];
  const emitted = [];
  const onEnd = sdk.onEnd.bind(sdk);
  const onEmit = sdk.onEmit.bind(sdk);
  sdk.onEnd = (s) => (ended.push(s), onEnd(s));
  sdk.onEmit = (r) => (emitted.push(r), onEmit(r));
  const byName = (name) => ended.find((s) => s.name === name);
  return { sdk, ended, emitted, byName };
}

const ids = (span) => span.spanContext();
const parentId = (s) => (s.p0 === 0 && s.p1 === 0 ? undefined : ((s.p0 >>> 0).toString(16).padStart(8, '0') + (s.p1 >>> 0).toString(16).padStart(8, '0')));
const isChildOf = (child, parent) => ids(child).traceId === ids(parent).traceId && parentId(child) === ids(parent).spanId;

let registered;
let sdk;
afterEach(async () => {
  registered?.unregister();
  registered = undefined;
  await sdk?.shutdown();
  sdk = undefined;
});

function captureWarnings(fn) {
  const original = console.warn;
  const warnings = [];
  console.warn = (m) => warnings.push(String(m));
  try {
    return [fn(), warnings];
  } finally {
    console.warn = original;
  }
}

test('registerGlobals sets every global and says so; unregister() removes them', () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  assert.deepEqual({ ...registered, unregister: undefined }, {
    tracerProvider: true, meterProvider: true, loggerProvider: true, contextManager: true, propagator: true, unregister: undefined,
  });
  trace.getTracer('lib', '2.0').startSpan('api span').end();
  const span = t.byName('api span');
  assert.ok(span, 'the API span reached our pipeline');
  assert.deepEqual([span.scopeName, span.scopeVersion], ['lib', '2.0']);
  assert.deepEqual(propagation.fields(), ['traceparent', 'tracestate']);
  registered.unregister();
  trace.getTracer('lib').startSpan('after unregister').end();
  assert.equal(t.byName('after unregister'), undefined, 'the API is back to its no-op tracer');
  assert.equal(globalThis[GLOBAL]?.trace, undefined);
  assert.equal(globalThis[GLOBAL]?.context, undefined);
});

test('API spans nest under our active span, and ours under API active spans (sync and after await)', async () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  const apiTracer = trace.getTracer('contrib');
  await sdk.tracer.startActiveSpan('ours outer', async () => {
    apiTracer.startSpan('api sync').end();
    await sleep(5);
    // After an await: our pending span is still the API's active span.
    await apiTracer.startActiveSpan('api active', async (apiSpan) => {
      sdk.tracer.startSpan('ours in api sync').end();
      assert.equal(trace.getActiveSpan(), apiSpan, 'the API sees its own span object as active');
      await sleep(5);
      sdk.tracer.startSpan('ours in api after await').end();
      apiTracer.startSpan('api in api after await').end();
      apiSpan.end(); // the API's startActiveSpan leaves ending to fn
    });
  });
  const outer = t.byName('ours outer');
  const active = t.byName('api active');
  assert.ok(isChildOf(t.byName('api sync'), outer), 'API span under our active span');
  assert.ok(isChildOf(active, outer), 'API active span under our pending span after an await');
  assert.ok(isChildOf(t.byName('ours in api sync'), active), 'our span under the API active span');
  assert.ok(isChildOf(t.byName('ours in api after await'), active), 'our span under the API span after its await');
  assert.ok(isChildOf(t.byName('api in api after await'), active), 'API span under the API span after its await');
  assert.equal(parentId(outer), undefined);
});

test("the API's startActiveSpan does not end the span; ours does; fn's value and throws pass through", () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  const tracer = trace.getTracer('x');
  let kept;
  const value = tracer.startActiveSpan('left open', { attributes: { a: 1 } }, (span) => ((kept = span), 42));
  assert.equal(value, 42);
  assert.equal(t.byName('left open'), undefined, 'not ended by startActiveSpan');
  assert.equal(kept.isRecording(), true);
  kept.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' }).setAttribute('b', 'x').addEvent('e', { k: true });
  kept.end();
  const s = t.byName('left open');
  assert.equal(s.statusCode, 2);
  assert.equal(s.statusMessage, 'boom');
  assert.equal(s.events[0].name, 'e');
  assert.throws(() => tracer.startActiveSpan('throws', () => { throw new TypeError('mine'); }), TypeError);
  // A missing function: nothing thrown into the app, one warning.
  const [result, warnings] = captureWarnings(() => tracer.startActiveSpan('no fn', {}));
  assert.equal(result, undefined);
  assert.equal(warnings.length, 1);
});

test('explicit contexts: a parent context, root: true, ROOT_CONTEXT, and a context with our span', () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  const tracer = trace.getTracer('x');
  const parent = tracer.startSpan('parent');
  tracer.startSpan('explicit', {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
  sdk.tracer.startActiveSpan('ours', (ours) => {
    tracer.startSpan('root option', { root: true }).end();
    context.with(ROOT_CONTEXT, () => {
      assert.equal(trace.getActiveSpan(), undefined, 'ROOT_CONTEXT hides our active span from the API');
      tracer.startSpan('under ROOT_CONTEXT').end();
    });
    assert.equal(trace.getActiveSpan().spanContext().spanId, ours.spanContext().spanId);
  });
  parent.end();
  assert.ok(isChildOf(t.byName('explicit'), t.byName('parent')));
  assert.equal(parentId(t.byName('root option')), undefined);
  assert.equal(parentId(t.byName('under ROOT_CONTEXT')), undefined);
});

test('context.bind and the API context inside our context.with', async () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  const tracer = trace.getTracer('x');
  const ours = sdk.tracer.startSpan('ours');
  const bound = ourContext.with(ours, () => context.bind(context.active(), function (arg) { return [this, arg, trace.getActiveSpan()]; }));
  const receiver = {};
  const [self, arg, activeInside] = bound.call(receiver, 7);
  assert.equal(self, receiver);
  assert.equal(arg, 7);
  assert.equal(activeInside.spanContext().spanId, ours.spanContext().spanId, 'bound later, the span is still active');
  context.bind(context.active(), 'not a function'); // returned as is
  const later = context.bind(trace.setSpan(context.active(), trace.wrapSpanContext(ours.spanContext())), () => tracer.startSpan('bound child'));
  await sleep(1);
  later().end();
  ours.end();
  assert.ok(isChildOf(t.byName('bound child'), t.byName('ours')));
});

test('W3C propagation: inject our active span, extract a remote parent for API and our spans', () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  const carrier = {};
  sdk.tracer.startActiveSpan('client', (span) => {
    propagation.inject(context.active(), carrier);
    const c = span.spanContext();
    assert.equal(carrier.traceparent, `00-${c.traceId}-${c.spanId}-01`);
  });
  const remote = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' };
  const extracted = propagation.extract(ROOT_CONTEXT, remote);
  assert.equal(trace.getSpanContext(extracted).isRemote, true);
  assert.equal(trace.getSpanContext(extracted).traceState.get('vendor'), '1');
  trace.getTracer('x').startSpan('api server', {}, extracted).end();
  context.with(extracted, () => sdk.tracer.startSpan('ours under remote').end());
  for (const name of ['api server', 'ours under remote']) {
    const s = t.byName(name);
    assert.equal(ids(s).traceId, '0af7651916cd43dd8448eb211c80319c', name);
    assert.equal(parentId(s), 'b7ad6b7169203331', name);
    assert.equal(s.traceState, 'vendor=1', name);
  }
  for (const bad of ['ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-00000000000000000000000000000000-b7ad6b7169203331-01', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra', 'garbage']) {
    assert.equal(trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent: bad })), undefined, bad);
  }
});

test('API instruments, observables and batch observables record into our meters', async () => {
  const { transport, calls } = fakeTransport();
  sdk = newSdk({ metrics: { exportIntervalMillis: 600000 } }, transport);
  registered = registerGlobals(sdk);
  const meter = metrics.getMeter('lib', '1.0');
  meter.createCounter('api.calls', { unit: '{call}', valueType: 1 }).add(2, { route: '/a' });
  meter.createHistogram('api.latency', { unit: 'ms', advice: { explicitBucketBoundaries: [1, 10] } }).record(5, { route: '/a' });
  meter.createUpDownCounter('api.live').add(-1);
  meter.createGauge('api.gauge').record(3);
  meter.createObservableGauge('api.observed').addCallback((r) => r.observe(9, { k: 'v' }));
  const a = meter.createObservableCounter('api.batch.a');
  const b = meter.createObservableUpDownCounter('api.batch.b');
  let runs = 0;
  const batch = (r) => {
    runs++;
    r.observe(a, 1, { which: 'a' });
    r.observe(b, 2, { which: 'b' });
  };
  meter.addBatchObservableCallback(batch, [a, b]);
  await sdk.forceFlush();
  assert.equal(sdk.stats().metricPointsExported, 7, 'counter, histogram, up-down, gauge, observable, and each batch observable once');
  assert.equal(runs, 2, 'the batch callback runs once per observable');
  meter.removeBatchObservableCallback(batch, [a, b]);
  await sdk.forceFlush();
  assert.equal(runs, 2, 'removed');
  assert.ok(calls.length >= 1);
});

test('API log records go to our logger, with the span of their context and exception attributes', () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  const logger = logs.getLogger('lib', '1.0');
  assert.equal(logger.enabled(), true);
  const span = sdk.tracer.startSpan('work');
  logger.emit({ severityNumber: 17, body: 'failed', attributes: { a: 1 }, exception: new RangeError('bad range'), context: trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(span.spanContext())) });
  sdk.tracer.startActiveSpan('active', () => logger.emit({ severityText: 'INFO', body: 'in active' }));
  span.end();
  const [failed, inActive] = t.emitted;
  assert.equal(failed.severityNumber, 17);
  assert.equal(failed.severityText, 'ERROR');
  assert.deepEqual([failed.scopeName, failed.scopeVersion], ['lib', '1.0']);
  const w = span.spanContext();
  const hex = (words) => words.map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
  assert.equal(hex(failed.ids.slice(0, 4)), w.traceId);
  assert.equal(hex(failed.ids.slice(4)), w.spanId);
  const active = t.byName('active').spanContext();
  assert.equal(hex(inActive.ids.slice(4)), active.spanId, 'no context: the active span');
  assert.ok(JSON.stringify(failed.attributes).includes('bad range'), 'exception.message kept');
  assert.ok(JSON.stringify(failed.attributes).includes('RangeError'), 'exception.type kept');
});

test('an already-registered global of another API version or another SDK: no throw, one warning, a truthful result', () => {
  const t = setup();
  sdk = t.sdk;
  // Another copy of @opentelemetry/api (1.3.0) registered its SDK's tracer provider first.
  const theirs = { getTracer: () => ({ startSpan: () => trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }) }) };
  globalThis[GLOBAL] = { version: '1.3.0', trace: theirs };
  try {
    const [result, warnings] = captureWarnings(() => registerGlobals(sdk));
    registered = result;
    assert.deepEqual({ ...result, unregister: undefined }, {
      tracerProvider: false, meterProvider: false, loggerProvider: false, contextManager: false, propagator: false, unregister: undefined,
    });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /already had a global tracerProvider, meterProvider, loggerProvider, contextManager, propagator/);
    assert.equal(globalThis[GLOBAL].trace, theirs, 'theirs stays in place');
  } finally {
    delete globalThis[GLOBAL];
  }
  // The same API version, another SDK's tracer provider only: the rest is ours, no new warning (once per page).
  trace.setGlobalTracerProvider(theirs);
  try {
    const [result, warnings] = captureWarnings(() => registerGlobals(sdk));
    registered = result;
    assert.equal(result.tracerProvider, false);
    assert.equal(result.contextManager && result.meterProvider && result.loggerProvider && result.propagator, true);
    assert.equal(warnings.length, 0);
    result.unregister();
  } finally {
    trace.disable();
  }
});

test('bad input never throws: no telemetry handle, hostile options and records', () => {
  const [result, warnings] = captureWarnings(() => registerGlobals(undefined));
  assert.equal(result.tracerProvider || result.contextManager, false);
  assert.equal(warnings.length, 1);
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk, { meterProvider: false, propagator: false });
  assert.equal(registered.meterProvider, false);
  assert.equal(registered.propagator, false);
  const hostile = new Proxy({}, { get() { throw new Error('hostile'); } });
  const [span] = captureWarnings(() => trace.getTracer('x').startSpan('h', hostile));
  assert.equal(span.isRecording(), false);
  captureWarnings(() => logs.getLogger('x').emit(hostile));
  assert.equal(t.emitted.length, 0);
});

test('a client span an instrumentation makes active around its request does not adopt unrelated work while the request is in flight', async () => {
  const t = setup();
  sdk = t.sdk;
  registered = registerGlobals(sdk);
  const tracer = trace.getTracer('instrumentation');
  const request = tracer.startSpan('GET', { kind: 2 });
  const internal = tracer.startSpan('internal work');
  // As instrumentation-fetch does: the request promise is made inside context.with.
  const inFlight = context.with(trace.setSpan(context.active(), request), () => {
    tracer.startSpan('sync in request').end();
    return sleep(30);
  });
  const pendingInternal = context.with(trace.setSpan(context.active(), internal), () => sleep(30));
  await sleep(5);
  tracer.startSpan('unrelated during request').end();
  await Promise.all([inFlight, pendingInternal]);
  request.end();
  internal.end();
  assert.ok(isChildOf(t.byName('sync in request'), t.byName('GET')), 'its synchronous part is its child');
  assert.ok(isChildOf(t.byName('unrelated during request'), t.byName('internal work')), 'an internal span stays the pending parent; the request span does not');
});
