// Next.js (≥ 15.3) runs this file in the browser before the app hydrates; its
// onRouterTransitionStart hook makes every client-side navigation a span `navigation`.
export { onRouterTransitionStart } from 'greptime-web-telemetry/next';
