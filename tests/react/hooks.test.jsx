// The React integration's hooks and components, in jsdom, with a Telemetry double whose spans
// are the SDK's own (see fake_telemetry.js). Runs against React 19, and React 18 with REACT=18.
import { StrictMode, useState, version as reactVersion } from 'react';
import { act, cleanup, render, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  TelemetryErrorBoundary,
  TelemetryProvider,
  tracedUserAction,
  useComponentLifecycleTracking,
  useRenderTracking,
  useTrackedCallback,
} from '../../build/pkg/dist/react/index.js';
import { fakeTelemetry } from './fake_telemetry.js';

afterEach(cleanup);
const tick = () => act(() => new Promise((r) => setTimeout(r, 5)));
const withProvider = (telemetry, strict = false) =>
  function Wrapper({ children }) {
    const tree = <TelemetryProvider telemetry={telemetry}>{children}</TelemetryProvider>;
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };

test(`runs against React ${process.env.REACT === '18' ? 18 : 19}`, () => {
  expect(reactVersion.split('.')[0]).toBe(process.env.REACT === '18' ? '18' : '19');
});

describe('without a provider', () => {
  test('every hook is a no-op that still calls what it wraps', async () => {
    const fn = vi.fn((x) => x * 2);
    const { result } = renderHook(() => {
      useComponentLifecycleTracking('Lonely');
      useRenderTracking('Lonely');
      return useTrackedCallback('double', fn, []);
    });
    expect(result.current(21)).toBe(42);
    expect(fn).toHaveBeenCalledWith(21);
    await expect(tracedUserAction('action', async () => 'done')).resolves.toBe('done');
    const { container } = render(
      <TelemetryErrorBoundary fallback={<p>fallback</p>}>
        <Thrower />
      </TelemetryErrorBoundary>,
      { onCaughtError: () => {} },
    );
    expect(container.textContent).toBe('fallback');
  });
});

function Thrower() {
  throw new TypeError('render failed');
}

describe('useTrackedCallback', () => {
  test('keeps its identity while deps do not change, like useCallback', () => {
    const fake = fakeTelemetry();
    const { result, rerender } = renderHook(({ dep }) => useTrackedCallback('cb', () => dep, [dep]), {
      initialProps: { dep: 1 },
      wrapper: withProvider(fake.telemetry),
    });
    const first = result.current;
    rerender({ dep: 1 });
    expect(result.current).toBe(first);
    rerender({ dep: 2 });
    expect(result.current).not.toBe(first);
    expect(result.current()).toBe(2);
  });

  test('a sync call is a span, counted and timed with its status', () => {
    const fake = fakeTelemetry();
    const { result } = renderHook(() => useTrackedCallback('save', (a, b) => a + b, [], { attributes: { form: 'profile' } }), {
      wrapper: withProvider(fake.telemetry),
    });
    expect(result.current(2, 3)).toBe(5);
    const [span] = fake.byName('save');
    expect(span.isRecording()).toBe(false);
    expect(span.attributes.keys).toEqual(['form']);
    expect(span.statusCode).toBe(0);
    expect(fake.values('react.callback.calls')).toEqual([{ name: 'react.callback.calls', value: 1, attributes: { 'callback.name': 'save', status: 'ok' } }]);
    expect(fake.values('react.callback.duration')[0].attributes).toEqual({ 'callback.name': 'save', status: 'ok' });
  });

  test('an async failure ends the span when the promise settles, with status ERROR, and is re-thrown unchanged', async () => {
    const fake = fakeTelemetry();
    const failure = new RangeError('upstream timed out');
    const { result } = renderHook(
      () =>
        useTrackedCallback(
          'load',
          async () => {
            await new Promise((r) => setTimeout(r, 10));
            throw failure;
          },
          [],
        ),
      { wrapper: withProvider(fake.telemetry) },
    );
    const pending = result.current();
    expect(fake.byName('load')).toEqual([]);
    await expect(pending).rejects.toBe(failure);
    const [span] = fake.byName('load');
    expect(span.statusCode).toBe(2);
    expect(span.statusMessage).toBe('upstream timed out');
    expect(span.events[0].name).toBe('exception');
    expect(span.endMs - span.startMs).toBeGreaterThanOrEqual(9);
    expect(fake.values('react.callback.calls')[0].attributes.status).toBe('error');
  });
});

describe('tracedUserAction', () => {
  test('is the parent of tracked callbacks and spans started after an await', async () => {
    const fake = fakeTelemetry();
    const { result } = renderHook(() => useTrackedCallback('fetch results', async () => 'rows', []), { wrapper: withProvider(fake.telemetry) });
    const outcome = await tracedUserAction('search clicked', async () => {
      await new Promise((r) => setTimeout(r, 5));
      const rows = await result.current();
      fake.telemetry.tracer.startSpan('after await').end();
      return rows;
    }, { 'ui.button': 'search' });
    expect(outcome).toBe('rows');
    const [action] = fake.byName('search clicked');
    const [child] = fake.byName('fetch results');
    const [late] = fake.byName('after await');
    expect(child.p0 === action.s0 && child.p1 === action.s1).toBe(true);
    expect(late.p0 === action.s0 && late.p1 === action.s1).toBe(true);
    expect(child.t0).toBe(action.t0);
    expect(action.attributes.keys).toEqual(['ui.button', 'user_action.name']);
    expect(action.endMs).toBeGreaterThanOrEqual(child.endMs);
    // After the action settles, new spans are roots again.
    fake.telemetry.tracer.startSpan('later').end();
    expect(fake.byName('later')[0].p0).toBe(0);
  });

  test('a failing action rejects with the original error and marks its span', async () => {
    const fake = fakeTelemetry();
    renderHook(() => null, { wrapper: withProvider(fake.telemetry) });
    const error = new Error('nope');
    await expect(tracedUserAction('submit', async () => Promise.reject(error))).rejects.toBe(error);
    expect(fake.byName('submit')[0].statusCode).toBe(2);
  });
});

describe('useComponentLifecycleTracking', () => {
  function Panel({ name }) {
    useComponentLifecycleTracking(name, { 'panel.size': 'large' });
    return <p>{name}</p>;
  }

  test('StrictMode double mount counts once; unmount ends the span and records the lifetime', async () => {
    const fake = fakeTelemetry();
    const { unmount } = render(<Panel name="AgentPanel" />, { wrapper: withProvider(fake.telemetry, true) });
    await tick();
    expect(fake.values('react.component.mounts').length).toBe(1);
    expect(fake.values('react.component.mounted').map((m) => m.value)).toEqual([1]);
    expect(fake.spans).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    unmount();
    await tick();
    const spans = fake.byName('AgentPanel lifecycle');
    expect(spans.length).toBe(1);
    expect(spans[0].attributes.keys).toEqual(['panel.size', 'react.component.name']);
    expect(spans[0].endMs - spans[0].startMs).toBeGreaterThanOrEqual(25);
    expect(fake.values('react.component.mounted').map((m) => m.value)).toEqual([1, -1]);
    const [lifetime] = fake.values('react.component.lifetime');
    expect(lifetime.value).toBeGreaterThanOrEqual(25);
    expect(lifetime.attributes).toEqual({ 'react.component.name': 'AgentPanel' });
  });

  test('a remount under another key is a new lifecycle', async () => {
    const fake = fakeTelemetry();
    function Host() {
      const [key, setKey] = useState(1);
      Host.remount = () => setKey((k) => k + 1);
      return <Panel key={key} name="Card" />;
    }
    render(<Host />, { wrapper: withProvider(fake.telemetry, true) });
    await tick();
    act(() => Host.remount());
    await tick();
    expect(fake.byName('Card lifecycle').length).toBe(1);
    expect(fake.values('react.component.mounts').length).toBe(2);
    expect(fake.values('react.component.mounted').map((m) => m.value)).toEqual([1, 1, -1]);
  });
});

describe('TelemetryErrorBoundary', () => {
  test('records the error with its component stack and renders the fallback', async () => {
    const fake = fakeTelemetry();
    const onError = vi.fn();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { container } = render(
      <TelemetryErrorBoundary name="workbench" onError={onError} fallback={(error, reset) => <button onClick={reset}>{String(error.message)}</button>}>
        <Thrower />
      </TelemetryErrorBoundary>,
      { wrapper: withProvider(fake.telemetry) },
    );
    spy.mockRestore();
    expect(container.textContent).toBe('render failed');
    const [span] = fake.byName('react.error_boundary');
    expect(span.statusCode).toBe(2);
    expect(span.events[0].attributes.values[span.events[0].attributes.keys.indexOf('exception.type')]).toBe('TypeError');
    const stack = span.attributes.values[span.attributes.keys.indexOf('react.component_stack')];
    expect(stack).toMatch(/Thrower/);
    expect(fake.logs[0].severityText).toBe('ERROR');
    expect(fake.logs[0].body).toMatch(/React error boundary "workbench" caught: TypeError: render failed/);
    expect(fake.logs[0].span).toBe(span);
    expect(onError).toHaveBeenCalledOnce();
  });
});

describe('useRenderTracking', () => {
  test('records render durations by phase, and slow renders as spans', async () => {
    const fake = fakeTelemetry();
    function Slow({ n }) {
      useRenderTracking('SlowChart', { slowRenderThresholdMs: 5 });
      const end = performance.now() + 8;
      while (performance.now() < end);
      return <p>{n}</p>;
    }
    const { rerender } = render(<Slow n={1} />, { wrapper: withProvider(fake.telemetry) });
    rerender(<Slow n={2} />);
    const phases = fake.values('react.render.duration').map((m) => m.attributes['react.render.phase']);
    expect(phases).toEqual(['mount', 'update']);
    expect(fake.values('react.render.duration')[0].value).toBeGreaterThanOrEqual(7);
    expect(fake.byName('render SlowChart').length).toBe(2);
  });
});
