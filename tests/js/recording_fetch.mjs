// A `fetch` that records each request (its keepalive flag and body size) and answers 200 with an
// empty body after 5 ms, as GreptimeDB does; installed as `globalThis.fetch` when this module
// loads. Import it before the package's modules: the transport takes the page's fetch then.
export const fetched = [];
globalThis.fetch = async (url, init) => {
  fetched.push({ keepalive: init.keepalive, bytes: init.body instanceof Blob ? init.body.size : init.body.byteLength });
  await new Promise((r) => setTimeout(r, 5));
  return new Response(null, { status: 200, headers: { 'content-length': '0' } });
};
