// A second e2e page (tests/e2e/async_context.e2e.test.mjs bundles it): the package as installed
// from the packed tarball, plus its React entry with a mounted TelemetryProvider, so that
// tracedUserAction runs exactly as in an app.
import * as gwt from 'greptime-web-telemetry';
import { TelemetryProvider, tracedUserAction } from 'greptime-web-telemetry/react';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

window.__gwt = gwt;
window.__tracedUserAction = tracedUserAction;
window.__mountProvider = (telemetry) =>
  new Promise((resolve) => {
    createRoot(document.getElementById('root')).render(createElement(TelemetryProvider, { telemetry }, null));
    setTimeout(resolve, 50);
  });
