/**
 * `rum`: the browser signals the SDK records by itself (js/rum/). Shape: `rum: false | {
 * session, documentLoad, resourceTiming, navigation, webVitals, longAnimationFrames,
 * userActions }`, each `boolean | { …options }`. The options of web vitals, long animation
 * frames and user actions are read by their own modules (js/rum/web_vitals.ts, …), which clamp
 * values; here their keys and value types are checked, so a typo is reported like any other.
 *
 * Loaded with the browser signals (js/rum/index.ts re-exports `readRum`), not with the core's
 * validator: a page with `rum: false` never loads it. `buildCore` runs it with the other keys'
 * warnings, so its messages join the one configuration warning.
 */

import type * as Values from './values.js';
import type { Warnings } from './values.js';

/**
 * The readers of ./values.js this file uses, handed over by the core's chunk (config/build_core.ts):
 * imported here, values.js would become a third chunk that both need before the core starts.
 */
export type RumReaders = Pick<typeof Values, 'boolean' | 'integer' | 'objectKeys' | 'readKey' | 'shown' | 'typeName' | 'unknownKeys'>;

export const DEFAULT_SESSION_INACTIVITY_MILLIS = 15 * 60_000;
export const DEFAULT_SESSION_MAX_DURATION_MILLIS = 4 * 3_600_000;
const DAY = 24 * 3_600_000;

/** The `rum` setting as validated. */
export interface RumSettings {
  session: boolean;
  documentLoad: boolean;
  /** Opt-in: one span per resource is a lot of volume. */
  resourceTiming: boolean;
  navigation: boolean;
  webVitals: boolean;
  longAnimationFrames: boolean;
  userActions: boolean;
  sessionInactivityMillis: number;
  sessionMaxDurationMillis: number;
  /** `sessionStorage` instead of `localStorage`: one session per tab instead of per origin. */
  sessionPerTab: boolean;
  /** `sampleRatio` decided once per session (all of a session's traces or none). */
  sampleBySession: boolean;
  /** Keep the query string in navigation `url.full` (default: stripped, it often holds tokens). */
  navigationIncludeQuery: boolean;
}

/** The options each module reads, with their type (js/rum/web_vitals.ts, long_animation_frames.ts, user_actions.ts). */
const MODULE_OPTIONS: Record<'webVitals' | 'longAnimationFrames' | 'userActions', Record<string, 'boolean' | 'number' | 'function' | 'array'>> = {
  webVitals: { softNavigations: 'boolean', reportAllChanges: 'boolean', routePattern: 'function' },
  longAnimationFrames: { thresholdMillis: 'number', maxScripts: 'number', maxFramesPerPage: 'number' },
  userActions: { nameAttributes: 'array', maxNameLength: 'number', childWindowMillis: 'number', rageClicks: 'boolean', rageClickCount: 'number', rageClickWindowMillis: 'number' },
};

const SIGNAL_KEYS = ['session', 'documentLoad', 'resourceTiming', 'navigation', 'webVitals', 'longAnimationFrames', 'userActions'] as const;

function defaults(on: boolean): RumSettings {
  return {
    session: on,
    documentLoad: on,
    resourceTiming: false,
    navigation: on,
    webVitals: on,
    longAnimationFrames: on,
    userActions: on,
    sessionInactivityMillis: DEFAULT_SESSION_INACTIVITY_MILLIS,
    sessionMaxDurationMillis: DEFAULT_SESSION_MAX_DURATION_MILLIS,
    sessionPerTab: false,
    sampleBySession: false,
    navigationIncludeQuery: false,
  };
}

/**
 * A signal's `boolean | { …options }`: `[enabled, options]` when set, with the options' unknown
 * keys reported (`known` undefined: the module reads them); undefined when missing or unusable (warned).
 */
function signal(key: string, v: unknown, on: boolean, known: readonly string[] | undefined, w: Warnings, { objectKeys, typeName, unknownKeys }: RumReaders): [boolean, object] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return [v, {}];
  const keys = objectKeys(v);
  if (keys !== undefined) {
    if (known) unknownKeys(`rum.${key}.`, keys, known, w);
    return [true, v as object];
  }
  w.warn(`\`rum.${key}\` must be a boolean or an object, got ${typeName(v)}; using the default (${on ? 'on' : 'off'})`);
  return undefined;
}

/** Reads the `rum` setting (`key`: its name, for messages); never throws. */
export function readRum(v: unknown, key: string, w: Warnings, values: RumReaders): RumSettings {
  const { boolean, integer, objectKeys, readKey, shown, typeName, unknownKeys } = values;
  if (v === undefined || v === true) return defaults(true);
  if (v === false) return defaults(false);
  const out = defaults(true);
  const keys = objectKeys(v);
  if (keys === undefined) {
    w.warn(`\`${key}\` must be false or an object, got ${typeName(v)}; using the defaults`);
    return out;
  }
  unknownKeys(`${key}.`, keys, SIGNAL_KEYS, w);
  const get = (k: string) => readKey(v as object, k);
  const session = signal('session', get('session'), out.session, ['inactivityTimeoutMillis', 'maxDurationMillis', 'storage', 'sampleBySession'], w, values);
  if (session) {
    const [on, options] = session;
    const opt = (k: string) => readKey(options, k);
    out.session = on;
    out.sessionInactivityMillis = integer(1_000, 7 * DAY, out.sessionInactivityMillis)(opt('inactivityTimeoutMillis'), 'rum.session.inactivityTimeoutMillis', w);
    out.sessionMaxDurationMillis = integer(1_000, 30 * DAY, out.sessionMaxDurationMillis)(opt('maxDurationMillis'), 'rum.session.maxDurationMillis', w);
    const storage = opt('storage');
    if (storage === 'sessionStorage') out.sessionPerTab = true;
    else if (storage !== undefined && storage !== 'localStorage') {
      w.warn(`\`rum.session.storage\` must be "localStorage" or "sessionStorage", got ${shown(storage)}; using localStorage`);
    }
    out.sampleBySession = boolean(false)(opt('sampleBySession'), 'rum.session.sampleBySession', w);
  }
  for (const k of ['documentLoad', 'resourceTiming'] as const) {
    const set = signal(k, get(k), out[k], [], w, values);
    if (set) out[k] = set[0];
  }
  const navigation = signal('navigation', get('navigation'), out.navigation, ['includeQuery'], w, values);
  if (navigation) {
    out.navigation = navigation[0];
    out.navigationIncludeQuery = boolean(false)(readKey(navigation[1], 'includeQuery'), 'rum.navigation.includeQuery', w);
  }
  for (const k of ['webVitals', 'longAnimationFrames', 'userActions'] as const) {
    const types = MODULE_OPTIONS[k];
    const set = signal(k, get(k), out[k], Object.keys(types), w, values);
    if (!set) continue;
    out[k] = set[0];
    for (const [option, type] of Object.entries(types)) {
      const value = readKey(set[1], option);
      if (value === undefined) continue;
      const ok = type === 'array' ? Array.isArray(value) : typeof value === type;
      if (!ok) w.warn(`\`rum.${k}.${option}\` must be ${type === 'array' ? 'a list' : `a ${type}`}, got ${typeName(value)}; using the default`);
    }
  }
  return out;
}
