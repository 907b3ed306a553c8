/**
 * Trace and span ids from `crypto.getRandomValues`, drawn from a pool refilled 4 KiB at a time
 * so that starting a span does not call into the crypto API. A span keeps its ids as 32-bit
 * words in plain fields (no allocation) and turns them into hex only when `spanContext()` asks.
 */

const POOL_WORDS = 1024;
const pool = new Uint32Array(POOL_WORDS);
let next = POOL_WORDS;

const cryptoApi: Crypto | undefined =
  typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function' ? crypto : undefined;

function refill(): void {
  if (cryptoApi) {
    cryptoApi.getRandomValues(pool);
  } else {
    // Only reached outside browsers without Web Crypto; ids need uniqueness, not secrecy.
    for (let i = 0; i < POOL_WORDS; i++) pool[i] = (Math.random() * 0x100000000) >>> 0;
  }
  next = 0;
}

/** A random 32-bit word (unsigned). */
export function randomWord(): number {
  if (next === POOL_WORDS) refill();
  return pool[next++];
}

/** A random word that is not zero: used for the last word of an id, so no id is all zero (invalid). */
export function randomNonZeroWord(): number {
  let w: number;
  do w = randomWord();
  while (w === 0);
  return w;
}

export function wordsToHex(...words: number[]): string {
  let hex = '';
  for (const w of words) hex += (w >>> 0).toString(16).padStart(8, '0');
  return hex;
}

/** Parses an id of `count` 32-bit words from hex; undefined when malformed or all zero. */
export function hexToWords(hex: unknown, count: number): number[] | undefined {
  if (typeof hex !== 'string' || hex.length !== count * 8 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const words: number[] = [];
  for (let i = 0; i < count; i++) words.push(parseInt(hex.slice(i * 8, i * 8 + 8), 16));
  return words.some((w) => w !== 0) ? words : undefined;
}
