// @vitest-environment node
// Server-side rendering: the provider renders with a no-op handle and loads nothing.
import { renderToString } from 'react-dom/server';
import { expect, test, vi } from 'vitest';
import { TelemetryProvider, useComponentLifecycleTracking, useTelemetry, useTrackedCallback } from '../../build/pkg/dist/react/index.js';

test('renders on the server without touching browser APIs or warning', () => {
  const warn = vi.spyOn(console, 'warn');
  function Page() {
    const telemetry = useTelemetry();
    useComponentLifecycleTracking('Page');
    const onClick = useTrackedCallback('click', () => 1, []);
    return <button onClick={onClick}>{telemetry.enabled ? 'on' : 'off'}</button>;
  }
  const html = renderToString(
    <TelemetryProvider config={{ endpoint: 'http://localhost:4000', serviceName: 'ssr' }}>
      <Page />
    </TelemetryProvider>,
  );
  expect(html).toBe('<button>off</button>');
  expect(warn).not.toHaveBeenCalled();
});
