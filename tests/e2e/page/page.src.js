// The e2e test page: imports the package installed from the packed tarball, exactly as an app
// would, and exposes it to the Playwright tests.
import * as gwt from 'greptime-web-telemetry';

// The scenarios count exact spans and log records; the browser signals (`rum`, on by default:
// a documentLoad trace, session and navigation events) are tested by rum.e2e.test.mjs, which
// sets `rum` itself. Elsewhere a plain configuration object gets `rum: false`; anything else (the
// bad-input tests' nulls, Proxies, throwing getters) is passed on untouched.
const withoutRum = (config) => {
  try {
    if (typeof config !== 'object' || config === null || Array.isArray(config) || Object.getPrototypeOf(config) !== Object.prototype) return config;
    const descriptors = Object.getOwnPropertyDescriptors(config);
    return 'rum' in descriptors ? config : Object.create(Object.prototype, { rum: { value: false, enumerable: true }, ...descriptors });
  } catch {
    return config;
  }
};
window.__gwt = { ...gwt, initTelemetry: (config) => gwt.initTelemetry(withoutRum(config)), startTelemetry: (config) => gwt.startTelemetry(withoutRum(config)) };
document.getElementById('status').textContent = 'ready';
