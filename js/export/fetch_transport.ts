/**
 * Sends one encoded request with the browser's own `fetch`, captured when the SDK's initial
 * chunk loads (runtime/native_fetch.ts) so that fetch instrumentation (ours or another library's) never sees, or traces, the exporter.
 */

import { thrownMessage, nativeFetch } from '../runtime/initial_chunk.js';

export interface TransportResponse {
  /** HTTP status, or 0 when no response arrived (network error, CORS refusal, timeout). */
  status: number;
  /** The response body, or for status 0 the error's text. */
  body: Uint8Array;
  /**
   * `Retry-After`, when the response has one and lets the page read it: cross-origin, only if
   * the server (or a proxy) lists it in `Access-Control-Expose-Headers`; GreptimeDB itself
   * never sends it.
   */
  retryAfter?: string | null;
}

export interface Transport {
  /** `abort`: cancels the request (answered as status 0), e.g. a plain request at page hide. */
  (url: string, headers: Record<string, string>, body: Uint8Array, timeoutMillis: number, keepalive: boolean, abort?: AbortSignal): Promise<TransportResponse>;
  /**
   * Bytes one more keepalive request may carry now (0 once the request cap is reached). Where
   * it is missing, no budget is known and every request is sent.
   */
  keepaliveRoom?: () => number;
}

/**
 * Browsers allow 64 KiB of keepalive bodies in flight per page (Chromium also caps the number
 * of requests); past that a keepalive fetch fails outright. Like OpenTelemetry JS, stay under
 * both with margin, counting every request of this module, and send the rest without keepalive.
 */
export const KEEPALIVE_BODY_LIMIT = 60 * 1024;
const KEEPALIVE_MAX_REQUESTS = 9;
let keepaliveBytesInFlight = 0;
let keepaliveRequestsInFlight = 0;
/**
 * Bodies larger than this go to `fetch` as a Blob: Chromium 156 uploads a typed array this large
 * more slowly. 20 exports at once (a flush) were all answered in 0.55–0.86× the time as Blobs at
 * 104 KB and 0.72–0.82× at 72 KB, but 0.96–1.19× at 15 KB (bench/fetch_options.mjs, four
 * sessions). Firefox ESR 153 is about even either way (0.83–1.11× at 104 KB, 1.09–1.17× at 72 KB,
 * 0.89–1.02× at 15 KB, three sessions, timed to its 1 ms clock). Keepalive bodies (at most
 * 60 KiB) stay below it.
 */
const BLOB_BODY_BYTES = 64 * 1024;
/** Error bodies are short; never buffer a large one. */
const MAX_RESPONSE_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * A transport over `nativeFetch`: the page's `fetch` as the SDK's initial chunk found it
 * (runtime/native_fetch.ts), since this module loads later, with the pipelines.
 */
export const transportOver = (nativeFetch: typeof fetch | undefined): Transport => {
  const transport: Transport = (url, headers, body, timeoutMillis, keepalive, abort) =>
    send(nativeFetch, url, headers, body, timeoutMillis, keepalive, abort);
  transport.keepaliveRoom = keepaliveRoom;
  return transport;
};

async function send(
  nativeFetch: typeof fetch | undefined,
  ...[url, headers, body, timeoutMillis, keepalive, abort]: Parameters<Transport>
): Promise<TransportResponse> {
  if (!nativeFetch) return { status: 0, body: encoder.encode('fetch is not available') };
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timedOut = false;
  const timer = controller
    ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMillis)
    : undefined;
  abort?.addEventListener('abort', () => controller?.abort(), { once: true });
  const size = body.byteLength;
  const useKeepalive =
    keepalive && keepaliveBytesInFlight + size <= KEEPALIVE_BODY_LIMIT && keepaliveRequestsInFlight < KEEPALIVE_MAX_REQUESTS;
  if (useKeepalive) {
    keepaliveBytesInFlight += size;
    keepaliveRequestsInFlight++;
  }
  let draining: Promise<void> | undefined;
  try {
    const response = await nativeFetch(url, {
      method: 'POST',
      headers,
      body: size > BLOB_BODY_BYTES && typeof Blob === 'function' ? new Blob([body as BlobPart]) : (body as BodyInit),
      // Credentials travel in x-greptime-auth; cookies must never go along (and GreptimeDB's
      // `Access-Control-Allow-Origin: *` would make a credentialed request fail anyway).
      credentials: 'omit',
      mode: 'cors',
      keepalive: useKeepalive,
      signal: controller?.signal,
    });
    const retryAfter = response.headers.get('retry-after');
    if (response.headers.get('content-length') === '0') {
      // GreptimeDB's usual answer: 200 and an empty body, and Content-Length (readable
      // cross-origin) says so. Awaiting that empty body anyway cost about 2 ms per export in
      // Chromium (the benchmark's S2). A keepalive request's is still read, in the background:
      // Chromium gives its quota back only once its body has been read. A plain request's is
      // left unread: reading it costs the main thread a promise and a call per export.
      if (useKeepalive)
        draining = response.arrayBuffer().then(
          () => {},
          () => {},
        );
      return { status: response.status, body: new Uint8Array(0), retryAfter };
    }
    // Reading the body also releases Chromium's keepalive quota for this request.
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      // A 2xx is an acceptance whatever happens to its body (a connection cut while reading
      // it): sending the batch again would duplicate it.
      if (response.ok) return { status: response.status, body: new Uint8Array(0), retryAfter };
      throw error;
    }
    return {
      status: response.status,
      body: bytes.byteLength > MAX_RESPONSE_BYTES ? bytes.subarray(0, MAX_RESPONSE_BYTES) : bytes,
      retryAfter,
    };
  } catch (error) {
    const text = timedOut
      ? `no answer within ${timeoutMillis} ms (batch.exportTimeoutMillis)`
      : controller?.signal.aborted
        ? 'cancelled while the page was being hidden'
        : errorText(error);
    return { status: 0, body: encoder.encode(text) };
  } finally {
    const release = () => {
      if (timer !== undefined) clearTimeout(timer);
      if (useKeepalive) {
        keepaliveBytesInFlight -= size;
        keepaliveRequestsInFlight--;
      }
    };
    if (draining) void draining.then(release);
    else release();
  }
}

function keepaliveRoom(): number {
  return keepaliveRequestsInFlight < KEEPALIVE_MAX_REQUESTS ? Math.max(0, KEEPALIVE_BODY_LIMIT - keepaliveBytesInFlight) : 0;
}

/** The transport over `fetch` as the page has it when this module loads (tests). */
export const fetchTransport: Transport = transportOver(nativeFetch);

function errorText(error: unknown): string {
  const message = thrownMessage(error);
  // Browsers say only "Failed to fetch" for refused connections and CORS failures alike.
  return `${message}; is GreptimeDB running, reachable from this page and answering CORS?`;
}
