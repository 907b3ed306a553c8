/**
 * Bounded strings for browser signals: element names, selectors, script and resource URLs come
 * from the page (possibly huge or hostile), so they are clamped and URLs lose their query and
 * fragment (tokens live there) before they become attributes.
 */

/** Default cap on any string a browser signal records, in characters. */
export const MAX_STRING = 256;

/** `value` cut to `max` characters (an ellipsis marks the cut); non-strings give `undefined`. */
export function clamp(value: unknown, max = MAX_STRING): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length <= max ? value : `${value.slice(0, Math.max(0, max - 1))}…`;
}

/** `url` without query string and fragment, clamped; `undefined` for an empty or missing URL. */
export function safeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  const cut = url.search(/[?#]/);
  return clamp(cut >= 0 ? url.slice(0, cut) : url);
}
