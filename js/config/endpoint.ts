/**
 * Settings that end up in the request line and headers: the endpoint, header values `fetch`
 * can send, the app's extra headers and credentials (GreptimeDB's contract:
 * ../../../shared/greptimedb-otlp.md).
 */

import { ConfigError, entries, typeName, type Warnings } from './values.js';

const USE_INSTEAD = 'use GreptimeDB\'s HTTP address such as `http://localhost:4000`, or a same-origin path such as `/greptime`';
export const MISSING_ENDPOINT = 'no `endpoint` configured: set it to GreptimeDB\'s HTTP address, e.g. `http://localhost:4000`';

/**
 * Accepts `http(s)://host[:port][/base/path]` or a same-origin `/path`; strips trailing slashes
 * and an OTLP suffix people copy from other SDKs' docs (with a warning).
 */
export function endpoint(v: unknown, _key: string, w: Warnings): string {
  if (v === undefined) throw new ConfigError(MISSING_ENDPOINT);
  if (typeof v !== 'string') throw new ConfigError(`\`endpoint\` must be a string such as \`http://localhost:4000\`, got ${typeName(v)}`);
  const invalid = (reason: string) => new ConfigError(`\`endpoint\` "${v}" ${reason}: ${USE_INSTEAD}`);
  const trimmed = v.trim();
  if (trimmed === '') throw new ConfigError(MISSING_ENDPOINT);
  // Whitespace and control characters (\p{Cc}), as Rust's char::is_whitespace / is_control.
  if (/[\s\p{Cc}]/u.test(trimmed)) throw invalid('contains whitespace');
  if (/[?#]/.test(trimmed)) throw invalid('has a query or fragment');
  const isPath = trimmed.startsWith('/') && !trimmed.startsWith('//');
  if (!isPath) {
    const rest = trimmed.startsWith('http://') ? trimmed.slice(7) : trimmed.startsWith('https://') ? trimmed.slice(8) : undefined;
    if (rest === undefined) throw invalid('is not an http(s) URL');
    const authority = rest.split('/')[0];
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host === '' || host.startsWith(':')) throw invalid('has no host');
    if (authority.includes('@')) throw invalid('contains credentials (use `username` and `password`)');
  }
  let out = trimmed.replace(/\/+$/, '');
  for (const suffix of ['/v1/otlp/v1/traces', '/v1/otlp/v1/metrics', '/v1/otlp/v1/logs', '/v1/otlp']) {
    if (out.endsWith(suffix)) {
      out = out.slice(0, -suffix.length);
      w.warn(`\`endpoint\` should be GreptimeDB's base address; using "${out || '/'}" (the OTLP paths are added per signal)`);
      break;
    }
  }
  return out;
}

/**
 * What `fetch` accepts as a header value (a ByteString without NUL, CR or LF): anything else
 * makes every request throw before it is sent, so it must never get past configuration.
 */
export function isHeaderValue(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\x01-\x09\x0b\x0c\x0e-\xff]/.test(value);
}

/** RFC 9110 token characters. */
function isHeaderName(name: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name);
}

/** A setting sent as a header (`database`, `traceTable`, `logTable`): fatal when fetch cannot send it. */
export function headerSetting(key: string, value: string): string {
  if (!isHeaderValue(value)) {
    throw new ConfigError(
      `\`${key}\` "${value}" cannot be sent: browsers refuse HTTP header values with characters beyond Latin-1 (U+00FF) or line breaks`,
    );
  }
  return value;
}

/** The app's extra headers, lower-cased, the last of a repeated name winning. */
export function headers(v: unknown, key: string, w: Warnings): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of entries(v, key, w)) {
    if (typeof value !== 'string') {
      w.warn(`header \`${name}\` must be a string, got ${typeName(value)}; ignored`);
      continue;
    }
    let lower = name.toLowerCase();
    if (!isHeaderName(name)) {
      w.warn(`header name "${name}" is not a valid HTTP header name; ignored`);
      continue;
    }
    if (!isHeaderValue(value)) {
      w.warn(
        `header \`${name}\` ignored: browsers refuse HTTP header values with characters beyond Latin-1 (U+00FF) or line breaks (encode it, e.g. with encodeURIComponent)`,
      );
      continue;
    }
    if (lower === 'content-type' || lower === 'content-encoding' || lower === 'content-length') {
      w.warn(`header \`${name}\` is set by the exporter itself; ignored`);
      continue;
    }
    // GreptimeDB answers CORS preflights with `Access-Control-Allow-Headers: *`, which by the
    // Fetch spec does not cover `Authorization`; it reads `x-greptime-auth` first.
    if (lower === 'authorization') {
      w.warn(
        'header `Authorization` is sent as `x-greptime-auth` (GreptimeDB reads it first; its CORS wildcard does not cover `Authorization`)',
      );
      lower = 'x-greptime-auth';
    }
    const i = out.findIndex(([n]) => n === lower);
    if (i >= 0) out.splice(i, 1);
    out.push([lower, value]);
  }
  return out;
}

/** `Basic base64(user:password)` of the UTF-8 bytes, standard padding, as GreptimeDB's decoder requires. */
export function basicAuth(username: string, password: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(`${username}:${password}`)) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}
