// The speed page with `import 'greptime-web-telemetry/eager'` first (bench/speed.mjs runs its
// setup scenario as "ours, /eager"): the core in the page's own files, prepared as it loads.
import 'greptime-web-telemetry/eager';
import './speed.page.js';
