// Type tests of greptime-web-telemetry/next (compiled, never run): the hook has the shape Next's
// instrumentation-client.ts expects (ClientInstrumentationHooks['onRouterTransitionStart']).
import { onRouterTransitionStart, createRouterTransitionTracer, type NavigationType } from 'greptime-web-telemetry/next';
import type { Telemetry } from 'greptime-web-telemetry';

declare const telemetry: Telemetry;
type NextHook = (url: string, navigationType: 'push' | 'replace' | 'traverse', event: { id: string; timestamp: number } | null) => void;

export const fromPackage: NextHook = onRouterTransitionStart;
export const withOwnTelemetry: NextHook = createRouterTransitionTracer(telemetry);
const type: NavigationType = 'traverse';
onRouterTransitionStart('/about', type);
// @ts-expect-error not a navigation type Next passes
onRouterTransitionStart('/about', 'reload');
// @ts-expect-error the url is a string
onRouterTransitionStart(new URL('http://x/'), 'push');
