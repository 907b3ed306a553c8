// tracedUserAction and tracked callbacks across `await`: overlapping user actions never adopt
// each other's work, nested tracked callbacks stay in their action's trace, and an action whose
// promise never settles stops being the parent of later work. Real spans (fake_telemetry.js).
import { render, act, cleanup } from '@testing-library/react';
import { afterEach, expect, test, vi } from 'vitest';
import { TelemetryProvider, tracedUserAction, useTrackedCallback } from '../../build/pkg/dist/react/index.js';
import { fakeTelemetry } from './fake_telemetry.js';

afterEach(cleanup);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const parentOf = (span) => `${span.p0}:${span.p1}`;
const idOf = (span) => `${span.s0}:${span.s1}`;
const isRoot = (span) => span.p0 === 0 && span.p1 === 0;

function withTelemetry(fake, Component) {
  render(
    <TelemetryProvider telemetry={fake.telemetry}>
      <Component />
    </TelemetryProvider>,
  );
}

test('two overlapping user actions: each is a root of its own trace; neither adopts the other’s work', async () => {
  const fake = fakeTelemetry();
  withTelemetry(fake, () => null);
  const tracer = fake.telemetry.getTracer('app');
  await act(async () => {
    const a = tracedUserAction('action-A', async () => {
      await sleep(30);
      tracer.startSpan('request A').end();
    });
    const b = tracedUserAction('action-B', async () => {
      await sleep(120);
      tracer.startSpan('request B').end();
    });
    await Promise.all([a, b]);
  });
  const [A] = fake.byName('action-A');
  const [B] = fake.byName('action-B');
  expect(isRoot(A)).toBe(true);
  expect(isRoot(B)).toBe(true);
  expect(B.spanContext().traceId).not.toBe(A.spanContext().traceId);
  const [requestA] = fake.byName('request A');
  const [requestB] = fake.byName('request B');
  // When A's continuation ran, both actions were pending: unknowable, so a new trace, never B.
  expect(parentOf(requestA)).not.toBe(idOf(B));
  expect(isRoot(requestA)).toBe(true);
  expect(parentOf(requestB)).toBe(idOf(B));
  expect(requestB.spanContext().traceId).toBe(B.spanContext().traceId);
});

test('a tracked callback awaited by an action stays in the action’s trace after its own awaits', async () => {
  const fake = fakeTelemetry();
  let callTool;
  withTelemetry(fake, function Panel() {
    callTool = useTrackedCallback('agent.tool_call', async () => {
      await sleep(5);
      fake.telemetry.getTracer('app').startSpan('GET /tool').end();
    }, []);
    return null;
  });
  await act(() => tracedUserAction('run search', () => callTool()));
  const [action] = fake.byName('run search');
  const [call] = fake.byName('agent.tool_call');
  const [request] = fake.byName('GET /tool');
  expect(parentOf(call)).toBe(idOf(action));
  expect(parentOf(request)).toBe(idOf(call));
});

test('an action whose promise never settles stops being the parent of later work after 10 s', async () => {
  const fake = fakeTelemetry();
  withTelemetry(fake, () => null);
  const tracer = fake.telemetry.getTracer('app');
  const realNow = performance.now.bind(performance);
  let shift = 0;
  const spy = vi.spyOn(performance, 'now').mockImplementation(() => realNow() + shift);
  try {
    tracedUserAction('stuck action', () => new Promise(() => {}));
    await sleep(1);
    tracer.startSpan('soon after').end();
    shift = 10_001;
    tracer.startSpan('much later').end();
  } finally {
    spy.mockRestore();
  }
  expect(isRoot(fake.byName('soon after')[0])).toBe(false);
  expect(isRoot(fake.byName('much later')[0])).toBe(true);
});
