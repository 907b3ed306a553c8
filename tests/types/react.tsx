// Type tests of greptime-web-telemetry/react (compiled, never run).
import { useCallback, type ReactElement } from 'react';
import {
  TelemetryProvider,
  TelemetryErrorBoundary,
  tracedUserAction,
  traceComponentRender,
  useComponentLifecycleTracking,
  useRenderTracking,
  useTelemetry,
  useTrackedCallback,
  type TrackedCallbackOptions,
  trackReactRouter,
  type DataRouterLike,
} from 'greptime-web-telemetry/react';
import { SpanKind, type Telemetry } from 'greptime-web-telemetry';

declare const maybeKind: SpanKind | undefined;
declare const maybeTelemetry: Telemetry | undefined;
declare const maybeName: string | undefined;

function Panel(): ReactElement {
  useComponentLifecycleTracking('Panel', { 'panel.id': 'a' });
  useRenderTracking('Panel', { slowRenderThresholdMs: undefined });
  const telemetry: Telemetry = useTelemetry();
  void telemetry;

  // Parameter types are inferred from annotations and the result keeps the callback's type.
  const callTool = useTrackedCallback('agent.tool_call', async (tool: string, retries?: number): Promise<number> => tool.length + (retries ?? 0), []);
  const n: Promise<number> = callTool('search');
  // @ts-expect-error wrong argument type, as with the callback itself
  void callTool(42);

  // Like React's useCallback: an unannotated parameter is an implicit-any error (TS7006), not a silent `any`.
  // @ts-expect-error TS7006: Parameter 'value' implicitly has an 'any' type.
  useTrackedCallback('x', (value) => value, []);
  // @ts-expect-error TS7006 (the same with React's own hook: the behaviour we match)
  useCallback((value) => value, []);
  // @ts-expect-error not a function
  useTrackedCallback('x', 42, []);

  // Optional options accept undefined (exactOptionalPropertyTypes).
  const options: TrackedCallbackOptions = { kind: maybeKind, attributes: undefined };
  const onClick = useTrackedCallback('click', () => 1, [], options);

  const total: number = tracedUserAction('run search', () => onClick() + 1, { 'ui.button': 'search' });
  const later: Promise<string> = tracedUserAction('submit', async () => 'ok');
  void n;
  void total;
  void later;
  return <button onClick={() => tracedUserAction('clicked', onClick)}>Run</button>;
}

const Chart = traceComponentRender((props: { points: number[] }) => <div>{props.points.length}</div>, 'Chart');

export function App(): ReactElement {
  return (
    <TelemetryProvider telemetry={maybeTelemetry} config={{ endpoint: '/greptime', serviceName: maybeName }}>
      <TelemetryErrorBoundary name={maybeName} fallback={(error, reset) => <button onClick={reset}>{String(error)}</button>}>
        <Panel />
        <Chart points={[1, 2]} />
        {/* @ts-expect-error a missing required prop of the traced component */}
        <Chart />
      </TelemetryErrorBoundary>
    </TelemetryProvider>
  );
}

// React Router data routers (v6.4+, v7): what createBrowserRouter returns fits DataRouterLike.
declare const router: {
  state: { matches: { route: { path?: string; id: string } }[]; location: { pathname: string } };
  subscribe(fn: (state: { matches: { route: { path?: string; id: string } }[]; location: { pathname: string } }) => void): () => void;
  navigate(to: string): Promise<void>;
};
export const stopRouter: () => void = trackReactRouter(router);
const routerLike: DataRouterLike = router;
void routerLike;
// @ts-expect-error not a router
trackReactRouter({ routes: [] });
