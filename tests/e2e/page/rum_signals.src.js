// The browser-signal e2e page (tests/e2e/rum_signals.e2e.test.mjs bundles it): the SDK and the
// three signal modules from source (js/), one module graph, so the user-action module shares the
// tracer's pending-parent state as it will inside the package. The page has a large, slowly
// served image (LCP), a block inserted late above the content (CLS), a button whose handler
// busy-waits 200 ms (INP, a long animation frame), one whose handler fetches (an action's child)
// and one whose handler starts the app's own async span.
import * as gwt from '../../../js/index.ts';
import { start as startWebVitals } from '../../../js/rum/web_vitals.ts';
import { start as startLongAnimationFrames } from '../../../js/rum/long_animation_frames.ts';
import { start as startUserActions } from '../../../js/rum/user_actions.ts';
import { rumMainThreadMillis } from '../../../js/rum/guard.ts';

window.__gwt = gwt;
window.__rum = { startWebVitals, startLongAnimationFrames, startUserActions, rumMainThreadMillis };

document.getElementById('busy')?.addEventListener('click', () => {
  const until = performance.now() + 200;
  while (performance.now() < until) {
    // Busy: the interaction's processing time.
  }
  document.getElementById('busy').textContent = 'done';
});
document.getElementById('report')?.addEventListener('click', async () => {
  await new Promise((r) => setTimeout(r, 20));
  const res = await fetch('/api?report');
  await res.json();
  document.getElementById('report').textContent = 'loaded';
});
// The app's own action span (as tracedUserAction makes): the automatic action steps aside.
document.getElementById('own')?.addEventListener('click', () =>
  window.__t.tracer.startActiveSpan('checkout', { root: true }, async () => {
    await new Promise((r) => setTimeout(r, 20));
    await fetch('/api?own');
  }),
);
// A soft navigation as an SPA router makes one: a click, new content, a pushState.
document.getElementById('nav')?.addEventListener('click', () => {
  const main = document.createElement('section');
  main.innerHTML = `<h2>Next page</h2><p style="font-size:40px">${'soft navigation content '.repeat(40)}</p>`;
  document.body.replaceChildren(main);
  history.pushState({}, '', '/next-page');
  window.__route = '/next/:id';
});
// A block pushed in above the content after load: a layout shift no input explains.
setTimeout(() => {
  const block = document.createElement('div');
  block.style.height = '300px';
  block.textContent = 'late banner';
  document.body.insertBefore(block, document.body.firstChild);
}, 600);
