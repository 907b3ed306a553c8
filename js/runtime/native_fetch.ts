/**
 * The page's `fetch` as it was when the SDK's initial chunk loaded, before any instrumentation
 * (ours, or another library's installed later) wraps it: the exporter sends through this one,
 * so it is never traced. The transport itself (export/fetch_transport.ts) loads later, lazily.
 */
export const nativeFetch: typeof fetch | undefined = typeof fetch === 'function' ? fetch.bind(globalThis) : undefined;
