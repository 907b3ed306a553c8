// greptime-web-telemetry/next: the onRouterTransitionStart hook for Next's instrumentation-client.ts,
// in jsdom with a Telemetry double (real spans). Next pushes the new URL when it commits the route:
// history.pushState plays that part here. The Next build itself is tested in examples/nextjs-app-router.
import { afterEach, expect, test, vi } from 'vitest';
import { createRouterTransitionTracer, onRouterTransitionStart } from '../../build/pkg/dist/next/index.js';
import { fakeTelemetry } from './fake_telemetry.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
const attrs = (span) => Object.fromEntries(span.attributes.keys.map((k, i) => [k, span.attributes.values[i]]));

afterEach(() => {
  vi.useRealTimers();
  history.replaceState(null, '', '/');
});

test('a navigation is a span from the transition start to the first frame showing the new URL', async () => {
  const { telemetry, byName } = fakeTelemetry();
  const hook = createRouterTransitionTracer(telemetry);
  hook('/about?tab=1', 'push');
  await frame();
  await frame();
  expect(byName('navigation')).toHaveLength(0); // the URL has not changed yet: still navigating
  history.pushState(null, '', '/about?tab=1');
  document.body.append(document.createElement('main')); // Next commits the new route
  await frame();
  await frame();
  await frame();
  const [span] = byName('navigation');
  expect(span).toBeDefined();
  expect(attrs(span)).toMatchObject({
    'url.full': `${location.origin}/about`,
    'url.path': '/about',
    'navigation.type': 'push',
    'navigation.from': '/',
  });
});

test('back and forward: the URL changes first, the span waits for the page and names the path left', async () => {
  const { telemetry, byName } = fakeTelemetry();
  history.replaceState(null, '', '/list');
  const hook = createRouterTransitionTracer(telemetry);
  history.replaceState(null, '', '/item/7'); // popstate: the browser has moved already
  hook('/item/7', 'traverse');
  for (let i = 0; i < 5; i++) await frame();
  expect(byName('navigation')).toHaveLength(0);
  document.body.append(document.createElement('article'));
  for (let i = 0; i < 3; i++) await frame();
  expect(byName('navigation').map(attrs)).toEqual([
    { 'url.full': `${location.origin}/item/7`, 'url.path': '/item/7', 'navigation.type': 'traverse', 'navigation.from': '/list' },
  ]);
});

test('a new navigation ends the one still running; one that never shows its URL ends after 10 s', () => {
  vi.useFakeTimers();
  const { telemetry, byName } = fakeTelemetry();
  const hook = createRouterTransitionTracer(telemetry);
  hook('/a', 'push');
  hook('/b', 'replace');
  expect(byName('navigation').map((s) => attrs(s)['url.path'])).toEqual(['/a']);
  vi.advanceTimersByTime(9_999);
  expect(byName('navigation')).toHaveLength(1);
  vi.advanceTimersByTime(1);
  expect(byName('navigation').map((s) => attrs(s)['url.path'])).toEqual(['/a', '/b']);
});

test('never throws: bad arguments record nothing, and without a provider the hook is a no-op', () => {
  const { telemetry, spans } = fakeTelemetry();
  const hook = createRouterTransitionTracer(telemetry);
  expect(() => hook({ toString: () => { throw new Error('bad url'); } }, 'push')).not.toThrow();
  expect(() => hook('http://[::1', 'push')).not.toThrow();
  expect(() => onRouterTransitionStart('/x', 'traverse')).not.toThrow();
  expect(spans).toHaveLength(0);
});

test('while a transition runs its span is the navigation span the browser.navigation event joins (rum/navigation.ts)', async () => {
  const { navigationSpan } = await import('../../build/pkg/dist/rum/route.js');
  const { telemetry, byName } = fakeTelemetry();
  const hook = createRouterTransitionTracer(telemetry);
  hook('/orders', 'push');
  const running = navigationSpan();
  expect(running?.isRecording()).toBe(true);
  history.pushState(null, '', '/orders');
  document.body.append(document.createElement('section'));
  for (let i = 0; i < 4; i++) await frame();
  const [span] = byName('navigation');
  expect(span).toBe(running);
  expect(navigationSpan()).toBeUndefined();
});
