// The benchmark's span shape, shared by the pages that measure it (bench/speed.page.js, both
// SDKs; bench/wasm_ab.page.js, copied beside it): start, 5 attributes (2 strings, 1 int,
// 1 double, 1 bool), an event on every tenth, end.
export function makeSpans(tracer, n) {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan('GET /api/items');
    span.setAttribute('http.route', '/api/items');
    span.setAttribute('user.tier', 'gold');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('cache.ratio', 0.75);
    span.setAttribute('cache.hit', true);
    if (i % 10 === 0) span.addEvent('checkpoint');
    span.end();
  }
}
