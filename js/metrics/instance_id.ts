/**
 * `service.instance.id` for one SDK instance (one page view): a random UUID v4, as the
 * semantic conventions recommend. Without it GreptimeDB stores every visitor's points of an
 * attribute set in one series (it keeps `service.*` but not the user agent or page URL as metric
 * tags), so cumulative points from many pages would interleave. `crypto.randomUUID` exists only
 * on secure pages; the id pool (crypto.getRandomValues) works on plain HTTP too.
 */

import { randomWord, wordsToHex } from '../trace/ids.js';

export function newInstanceId(): string {
  const hex = wordsToHex(randomWord(), randomWord(), randomWord(), randomWord());
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
