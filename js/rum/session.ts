/**
 * Sessions (OpenTelemetry's `session.id`, `session.previous_id`, events `session.start` and
 * `session.end`): one random id shared by the tabs of an origin through localStorage (or one per
 * tab with sessionStorage), stamped on every span and log record by the SDK (`sessionOf`).
 *
 * A session ends after `inactivityMillis` without user activity (pointer, key, scroll, the tab
 * shown again) or `maxDurationMillis` after it started. The tab that notices the end (a timer, or
 * the next record) emits `session.end` and removes the stored session; the next record or
 * activity starts a new one whose `session.start` carries `session.previous_id`. Other tabs
 * read the stored session whenever theirs looks expired (their own timer, their next record or
 * activity), so they adopt what another tab extended or started; no `storage` listener (adding
 * one costs Chromium 0.6–0.9 ms on the main thread, measured, and it would tell nothing the
 * next read does not). A page restored from the back/forward cache keeps the
 * session unless it has expired meanwhile (a new page view, not a new session).
 *
 * Storage that throws (privacy modes, sandboxed iframes, a full quota) degrades to a session kept
 * in memory for this page, with one console warning.
 */

import type { Logger } from '../api/types.js';
import { warn, randomNonZeroWord, randomWord, wordsToHex } from '../runtime/initial_chunk.js';

const KEY = 'greptime_web_telemetry.session';
/** Activity extends the stored session at most this often (a scroll fires many events), or a quarter of the timeout. */
const WRITE_EVERY_MS = 1000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'scroll'];

export interface SessionSettings {
  inactivityMillis: number;
  maxDurationMillis: number;
  perTab: boolean;
  sampleBySession: boolean;
}

/** What the session needs from the SDK. */
export interface SessionHost {
  sessionOf: (() => string) | undefined;
  sampleRatio: number;
  getLogger(name: string, version?: string): Logger;
}

interface Stored {
  id: string;
  /** Epoch ms. */
  start: number;
  last: number;
}

export function startSession(host: SessionHost, settings: SessionSettings, scope: string): () => void {
  const { inactivityMillis, maxDurationMillis } = settings;
  const ratio = host.sampleRatio;
  const logger = host.getLogger(scope);
  let store: Storage | undefined = openStorage(settings.perTab);
  let cur: Stored | undefined;
  /** The id of the session that ended last, for `session.previous_id`. */
  let previous = '';
  let lastWrite = 0;
  const writeEvery = Math.min(WRITE_EVERY_MS, inactivityMillis / 4);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const fresh = (s: Stored | undefined, now: number): boolean =>
    !!s && now - s.last < inactivityMillis && now - s.start < maxDurationMillis;

  const degrade = (error: unknown) => {
    store = undefined;
    warn(`session storage unavailable (${error instanceof Error ? error.name : 'error'}); sessions are kept in memory for this page`);
  };
  const read = (): Stored | undefined => {
    if (!store) return cur;
    try {
      return parse(store.getItem(KEY));
    } catch (error) {
      degrade(error);
      return cur;
    }
  };
  const write = (s: Stored | undefined) => {
    if (!store) return;
    try {
      if (s) store.setItem(KEY, JSON.stringify(s));
      else store.removeItem(KEY);
      lastWrite = Date.now();
    } catch (error) {
      degrade(error);
    }
  };
  const adopt = (s: Stored) => {
    if (cur?.id !== s.id) {
      if (cur) previous = cur.id;
      if (settings.sampleBySession) host.sampleRatio = sampledBy(s.id, ratio) ? 1 : 0;
    }
    cur = s;
    schedule();
  };
  const end = (s: Stored) => {
    previous = s.id;
    cur = undefined;
    logger.emit({ eventName: 'session.end', attributes: { 'session.id': s.id } });
  };
  const begin = (now: number): string => {
    const s = { id: wordsToHex(randomWord(), randomWord(), randomWord(), randomNonZeroWord()), start: now, last: now };
    const before = previous;
    adopt(s);
    write(s);
    logger.emit({
      eventName: 'session.start',
      attributes: before ? { 'session.id': s.id, 'session.previous_id': before } : { 'session.id': s.id },
    });
    return s.id;
  };

  /** The current session's id, starting one (after ending an expired one) when needed. */
  const current = (): string => {
    const now = Date.now();
    if (cur && fresh(cur, now)) return cur.id;
    const stored = read();
    if (stored && fresh(stored, now)) {
      adopt(stored);
      return stored.id;
    }
    // Expired: end it if it is still the stored one (another tab may have ended it already).
    const ended = cur ?? stored;
    if (ended && stored && stored.id === ended.id) {
      write(undefined);
      end(ended);
    } else if (ended) {
      previous = ended.id;
      cur = undefined;
    }
    return begin(now);
  };

  /** Ends the session when it expires, so `session.end` is sent even if nothing else happens. */
  function schedule(): void {
    clearTimeout(timer);
    if (!cur) return;
    const due = Math.min(cur.last + inactivityMillis, cur.start + maxDurationMillis) - Date.now();
    timer = setTimeout(check, Math.max(0, due) + 20);
  }
  const check = () => {
    try {
      const now = Date.now();
      const stored = read();
      if (cur && fresh(cur, now) && (!stored || stored.id === cur.id)) {
        // This tab's own activity (written to storage at most every writeEvery ms) extended it.
        write(cur);
        return schedule();
      }
      if (stored && fresh(stored, now)) return adopt(stored);
      if (!cur) return;
      if (!stored || stored.id === cur.id) {
        if (stored) write(undefined);
        end(cur);
      } else {
        previous = cur.id;
        cur = undefined;
      }
    } catch {
      // Never let a timer throw into the page.
    }
  };

  const onActivity = () => {
    try {
      const now = Date.now();
      if (!cur || !fresh(cur, now)) {
        current();
      } else {
        cur.last = now;
        if (now - lastWrite >= writeEvery) write(cur);
      }
    } catch {
      // As above.
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') onActivity();
  };
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) onActivity();
  };
  current();
  host.sessionOf = current;
  const options = { capture: true, passive: true };
  for (const type of ACTIVITY_EVENTS) addEventListener(type, onActivity, options);
  addEventListener('pageshow', onPageShow);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    clearTimeout(timer);
    if (host.sessionOf === current) host.sessionOf = undefined;
    for (const type of ACTIVITY_EVENTS) removeEventListener(type, onActivity, options);
    removeEventListener('pageshow', onPageShow);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

function openStorage(perTab: boolean): Storage | undefined {
  try {
    const store = perTab ? sessionStorage : localStorage;
    // Reading the property can succeed and the first access still throw (Safari private mode
    // used to throw on setItem): probe both.
    store.getItem(KEY);
    store.setItem(`${KEY}.probe`, '1');
    store.removeItem(`${KEY}.probe`);
    return store;
  } catch (error) {
    warn(`session storage unavailable (${error instanceof Error ? error.name : 'error'}); sessions are kept in memory for this page`);
    return undefined;
  }
}

function parse(text: string | null): Stored | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as Partial<Stored> | null;
    return s && typeof s.id === 'string' && /^[0-9a-f]{32}$/.test(s.id) && typeof s.start === 'number' && typeof s.last === 'number'
      ? { id: s.id, start: s.start, last: s.last }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The id's last 32 bits are uniform: every tab of the session decides the same way. */
function sampledBy(id: string, ratio: number): boolean {
  return ratio >= 1 || parseInt(id.slice(24), 16) / 0x100000000 < ratio;
}
