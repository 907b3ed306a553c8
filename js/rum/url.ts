/** `url.full` as the browser signals send it. */

/**
 * `href` without its query string unless `includeQuery` (query strings often carry tokens and
 * ids), and with credentials replaced by `REDACTED`, as OpenTelemetry's `url.full` asks. The
 * fragment stays: hash routers keep their route there.
 */
export function pageUrl(href: string, includeQuery: boolean): string {
  try {
    const url = new URL(href);
    if (!includeQuery) url.search = '';
    if (url.username) url.username = 'REDACTED';
    if (url.password) url.password = 'REDACTED';
    return url.href;
  } catch {
    return '';
  }
}
