// React never crashes and never drops the last word (issue 10 §4): any thrown value renders
// the fallback and is recorded once; an owning provider's unmount and a page hide still send
// the components' lifecycle span and metrics. The last two run the real SDK (jsdom, Node's
// fetch) against the test receiver, which decodes with the official opentelemetry-proto package.
import { useEffect } from 'react';
import { act, cleanup, render, renderHook } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  TelemetryErrorBoundary,
  TelemetryProvider,
  tracedUserAction,
  useComponentLifecycleTracking,
  useRenderTracking,
  useTelemetry,
  useTrackedCallback,
} from '../../build/pkg/dist/react/index.js';
import { startReceiver } from '../e2e/harness.mjs';
import { fakeTelemetry } from './fake_telemetry.js';

afterEach(cleanup);

const trap = () => {
  throw new Error('trap');
};
const REACT_READS = new Set(process.env.REACT === '18' ? ['then', '_suppressLogging', 'stack', 'message', 'name'] : ['then']);
const hostileThrows = () => ({
  'a null-prototype object': Object.create(null),
  'an object whose toString throws': { toString: trap, valueOf: trap, [Symbol.toPrimitive]: trap },
  // React itself reads a thrown object's `then` (a thrown promise suspends); React 18 in
  // development also `_suppressLogging`, and rethrows through a jsdom error event, which reads
  // `name`, `message` and `stack`: only those reads are allowed (React 19: only `then`).
  'a Proxy whose traps throw': new Proxy(
    {},
    { get: (_, key) => (REACT_READS.has(key) ? undefined : trap()), has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap },
  ),
  'a Symbol': Symbol('thrown'),
  'a frozen Error': Object.freeze(new TypeError('frozen failure')),
});

describe('TelemetryErrorBoundary with any thrown value', () => {
  for (const [label, value] of Object.entries(hostileThrows())) {
    test(`${label}: our fallback renders, one exception is recorded with a readable message, the value is untouched`, () => {
      const fake = fakeTelemetry();
      const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
      function Thrower() {
        throw value;
      }
      let seen;
      const { container } = render(
        <TelemetryProvider telemetry={fake.telemetry}>
          <TelemetryErrorBoundary
            name="hostile"
            fallback={(error) => {
              seen = error;
              return <p>fallback</p>;
            }}
          >
            <Thrower />
          </TelemetryErrorBoundary>
        </TelemetryProvider>,
        { onCaughtError: () => {} },
      );
      consoleError.mockRestore();
      expect(container.textContent).toBe('fallback');
      expect(Object.is(seen, value)).toBe(true);
      const spans = fake.byName('react.error_boundary');
      expect(spans).toHaveLength(1);
      expect(spans[0].statusCode).toBe(2);
      expect(typeof spans[0].statusMessage).toBe('string');
      expect(spans[0].statusMessage.length).toBeGreaterThan(0);
      expect(spans[0].events.map((e) => e.name)).toEqual(['exception']);
      expect(fake.logs).toHaveLength(1);
      expect(fake.logs[0].body).toMatch(/^React error boundary "hostile" caught: ./);
      if (label === 'a frozen Error') expect(fake.logs[0].body).toContain('TypeError: frozen failure');
    });
  }
});

describe('useTrackedCallback with any thrown value', () => {
  for (const [label, value] of Object.entries(hostileThrows())) {
    test(`${label} is re-thrown unchanged and recorded`, () => {
      const fake = fakeTelemetry();
      const { result } = renderHook(
        () =>
          useTrackedCallback(
            'hostile.cb',
            () => {
              throw value;
            },
            [],
          ),
        { wrapper: ({ children }) => <TelemetryProvider telemetry={fake.telemetry}>{children}</TelemetryProvider> },
      );
      let caught;
      try {
        result.current();
      } catch (e) {
        caught = e;
      }
      expect(Object.is(caught, value)).toBe(true);
      const [span] = fake.byName('hostile.cb');
      expect(span.statusCode).toBe(2);
      expect(span.statusMessage.length).toBeGreaterThan(0);
    });
  }
});

describe('hooks with hostile arguments', () => {
  test('a Proxy as attributes or options never crashes the component or the call', async () => {
    const fake = fakeTelemetry();
    const proxy = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });
    function Hostile() {
      useComponentLifecycleTracking('Hostile', proxy);
      useRenderTracking('Hostile', proxy);
      const cb = useTrackedCallback('hostile.cb', (x) => x + 1, [], proxy);
      return <p>{cb(1)}</p>;
    }
    const { container, unmount } = render(
      <TelemetryProvider telemetry={fake.telemetry}>
        <Hostile />
      </TelemetryProvider>,
    );
    expect(container.textContent).toBe('2');
    expect(await tracedUserAction('hostile action', async () => 'ran', proxy)).toBe('ran');
    unmount();
    await new Promise((r) => setTimeout(r, 5));
    expect(fake.byName('Hostile lifecycle')).toHaveLength(1);
    expect(fake.byName('hostile.cb')).toHaveLength(1);
  });
});

describe('the last word reaches the receiver', () => {
  let receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  const config = (serviceName) => ({
    endpoint: receiver.url,
    serviceName,
    metrics: { exportIntervalMillis: 600000 },
    batch: { scheduledDelayMillis: 600000 },
    offline: false,
    compression: false,
  });
  const widgetPoints = (points, service, name) =>
    points.filter((p) => p.name === name && p.attributes['react.component.name']?.value === 'Widget' && JSON.stringify(p.resource ?? p).includes(service));
  const waitUntil = async (check, what, timeoutMs = 4000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  function Widget({ onTelemetry }) {
    useComponentLifecycleTracking('Widget');
    const telemetry = useTelemetry();
    useEffect(() => {
      onTelemetry(telemetry);
    }, [telemetry, onTelemetry]);
    return <p>widget</p>;
  }

  test('an owning provider unmounted with its children sends mounted 0 and the lifetime', async () => {
    await receiver.reset();
    let telemetry;
    const { unmount } = render(
      <TelemetryProvider config={config('provider-unmount')}>
        <Widget onTelemetry={(t) => (telemetry = t)} />
      </TelemetryProvider>,
    );
    const sdk = await telemetry.ready;
    expect(sdk.enabled).toBe(true);
    unmount();
    // The provider's shutdown flushes everything it owns; wait for its metric request.
    const points = await waitUntil(async () => {
      const all = await receiver.metrics();
      return widgetPoints(all, 'provider-unmount', 'react.component.lifetime').length > 0 ? all : undefined;
    }, 'the lifetime point');
    const mounted = widgetPoints(points, 'provider-unmount', 'react.component.mounted');
    expect(mounted.at(-1).value).toBe(0);
    const lifetime = widgetPoints(points, 'provider-unmount', 'react.component.lifetime');
    expect(lifetime.at(-1).count).toBe(1);
    const spans = await receiver.spans();
    expect(spans.filter((s) => s.name === 'Widget lifecycle')).toHaveLength(1);
  });

  test('a component mounted when the page hides reports its span and lifetime with the hide flush, once', async () => {
    await receiver.reset();
    let telemetry;
    const { unmount } = render(
      <TelemetryProvider config={config('page-hide')}>
        <Widget onTelemetry={(t) => (telemetry = t)} />
      </TelemetryProvider>,
    );
    await telemetry.ready;
    const setVisibility = (state) => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      await act(async () => setVisibility('hidden'));
      const spans = await waitUntil(async () => {
        const all = (await receiver.spans()).filter((s) => s.name === 'Widget lifecycle');
        return all.length > 0 ? all : undefined;
      }, 'the lifecycle span at page hide');
      expect(spans).toHaveLength(1);
      expect(spans[0].attributes['react.lifecycle.end_reason']).toEqual({ type: 'string', value: 'page_hide' });
      const points = await waitUntil(async () => {
        const all = await receiver.metrics();
        return widgetPoints(all, 'page-hide', 'react.component.lifetime').length > 0 ? all : undefined;
      }, 'the lifetime point at page hide');
      expect(widgetPoints(points, 'page-hide', 'react.component.lifetime').at(-1).count).toBe(1);
      // A second hide signal (pagehide after visibilitychange) records nothing more.
      await act(async () => dispatchEvent(new Event('pagehide')));
      // The page comes back: the lifecycle goes on as a new segment; mounts are not counted again.
      await act(async () => setVisibility('visible'));
    } finally {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    }
    unmount();
    const points = await waitUntil(async () => {
      const all = await receiver.metrics();
      return widgetPoints(all, 'page-hide', 'react.component.lifetime').some((p) => p.count === 2) ? all : undefined;
    }, 'the second lifetime segment');
    expect(widgetPoints(points, 'page-hide', 'react.component.mounts').at(-1).value).toBe(1);
    expect(widgetPoints(points, 'page-hide', 'react.component.mounted').at(-1).value).toBe(0);
    const spans = (await receiver.spans()).filter((s) => s.name === 'Widget lifecycle');
    expect(spans).toHaveLength(2);
    expect(spans[1].attributes['react.lifecycle.resumed']).toEqual({ type: 'bool', value: true });
    expect(spans[1].attributes['react.lifecycle.end_reason']).toBeUndefined();
  });
});
