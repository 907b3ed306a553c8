// TelemetryProvider with a real configuration: one SDK however StrictMode renders and mounts,
// shut down (listeners removed) on unmount.
import { StrictMode } from 'react';
import { cleanup, render } from '@testing-library/react';
import { afterEach, expect, test, vi } from 'vitest';
import { TelemetryProvider, useTelemetry } from '../../build/pkg/dist/react/index.js';

afterEach(cleanup);

test('StrictMode starts one SDK, which the unmount shuts down', async () => {
  const added = vi.spyOn(window, 'addEventListener');
  const removed = vi.spyOn(window, 'removeEventListener');
  let seen;
  function Child() {
    seen = useTelemetry();
    seen.tracer.startSpan('first render').end();
    return null;
  }
  const { unmount } = render(
    <StrictMode>
      <TelemetryProvider config={{ endpoint: 'http://127.0.0.1:9', serviceName: 'strict', batch: { scheduledDelayMillis: 60000 }, retry: { maxAttempts: 1 }, offline: false }}>
        <Child />
      </TelemetryProvider>
    </StrictMode>,
  );
  const sdk = await seen.ready;
  expect(sdk.enabled).toBe(true);
  const pagehide = () => added.mock.calls.filter(([type]) => type === 'pagehide').length;
  expect(pagehide()).toBe(1);
  expect(seen.stats().spansStarted).toBeGreaterThanOrEqual(1);
  unmount();
  await new Promise((r) => setTimeout(r, 20));
  await sdk.shutdown();
  expect(removed.mock.calls.filter(([type]) => type === 'pagehide').length).toBe(1);
  expect(seen.tracer.startSpan('after').isRecording()).toBe(false);
});

test('a provider with `config` while telemetry already runs uses the running handle (one warning), and leaves it running on unmount', async () => {
  const { startTelemetry } = await import('../../build/pkg/dist/index.js');
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const config = { endpoint: 'http://127.0.0.1:9', serviceName: 'running-first', batch: { scheduledDelayMillis: 60000 }, retry: { maxAttempts: 1 }, offline: false, rum: false };
  const running = startTelemetry(config);
  let seen;
  function Child() {
    seen = useTelemetry();
    return null;
  }
  const { unmount } = render(
    <TelemetryProvider config={{ ...config, serviceName: 'provider-second' }}>
      <Child />
    </TelemetryProvider>,
  );
  expect(seen).toBe(running);
  await running.ready;
  unmount();
  await new Promise((r) => setTimeout(r, 20));
  expect(running.tracer.startSpan('still running').isRecording()).toBe(true);
  const lines = warn.mock.calls.map(([line]) => String(line)).filter((l) => l.includes('called again while telemetry is running'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/TelemetryProvider uses it/);
  await running.shutdown();
  warn.mockRestore();
});
