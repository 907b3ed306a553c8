/**
 * Long animation frames (LoAF, the `long-animation-frame` PerformanceObserver entry type; the
 * Long Tasks API it replaces is deprecated): each frame longer than a threshold becomes a
 * `browser.long_animation_frame` event (a log record with `eventName`) with its duration, its
 * blocking duration (what delays input) and the scripts that ran in it (invoker, source URL
 * without query, function name, durations; strings clamped, at most `maxScripts` per frame).
 *
 * Browsers without the entry type (Firefox, Safari) record nothing, with one console line.
 * A separate chunk: loaded only when the signal is enabled.
 */

import type { LogAttributes, Telemetry } from '../api/types.js';
import type { Diagnostics } from '../runtime/diagnostics.js';
import { SeverityNumber, onBeforeHideFlush } from '../runtime/initial_chunk.js';
import { emitEvent } from './event.js';
import { guarded, warnOnce } from './guard.js';
import { clamp, safeUrl } from './strings.js';

/** Options of the long animation frame signal. */
export interface LongAnimationFramesOptions {
  /** Frames at least this long (ms) are recorded. The browser reports only frames over 50 ms. Default 50. */
  thresholdMillis?: number | undefined;
  /** Scripts kept per frame, longest first. Default 5. */
  maxScripts?: number | undefined;
  /**
   * At most this many frames are recorded per page view. Later ones are dropped, with one
   * console line, and counted in `stats().longAnimationFramesDropped`; each time the page is hidden, one
   * `browser.long_animation_frame.dropped` event carries `browser.long_animation_frame.dropped_count`
   * (frames dropped since the last such event). Bounds the volume of a janky long-lived tab: a
   * frame is 0.3-0.5 KB gzip on the wire, so at most ~50 KB per page view. Default 100.
   */
  maxFramesPerPage?: number | undefined;
}

/** What the browser reports (not yet in TypeScript's DOM types everywhere). */
interface ScriptTiming {
  readonly invoker?: string;
  readonly invokerType?: string;
  readonly sourceURL?: string;
  readonly sourceFunctionName?: string;
  readonly sourceCharPosition?: number;
  readonly duration: number;
  readonly forcedStyleAndLayoutDuration?: number;
  readonly pauseDuration?: number;
  readonly windowAttribution?: string;
}
interface LongAnimationFrame {
  readonly startTime: number;
  readonly duration: number;
  readonly blockingDuration?: number;
  readonly renderStart?: number;
  readonly styleAndLayoutStart?: number;
  readonly firstUIEventTimestamp?: number;
  readonly scripts?: readonly ScriptTiming[];
}

const SCOPE = 'greptime-web-telemetry/long-animation-frames';
const ENTRY_TYPE = 'long-animation-frame';

/** Starts recording long animation frames; returns a function that stops it. Never throws. */
export function start(telemetry: Telemetry, options: LongAnimationFramesOptions = {}): () => void {
  let observer: PerformanceObserver | undefined;
  let removeHideListener: (() => void) | undefined;
  guarded('longAnimationFrames', () => {
    if (typeof document === 'undefined') return; // Not a browser (server rendering).
    const supported = typeof PerformanceObserver !== 'undefined' && (PerformanceObserver.supportedEntryTypes ?? []).includes(ENTRY_TYPE);
    if (!supported) {
      warnOnce('longAnimationFrames.unsupported', 'long animation frames: this browser has no long-animation-frame entries; none are recorded');
      return;
    }
    const threshold = positive(options.thresholdMillis, 50);
    const maxScripts = Math.floor(positive(options.maxScripts, 5, true));
    const maxFrames = Math.floor(positive(options.maxFramesPerPage, 100, true));
    const logger = telemetry.getLogger(SCOPE);
    let recorded = 0;
    let dropped = 0;
    observer = new PerformanceObserver(
      guarded('longAnimationFrames', (list: PerformanceObserverEntryList) => {
        for (const entry of list.getEntries() as unknown as LongAnimationFrame[]) {
          if (!(entry.duration >= threshold)) continue;
          if (recorded >= maxFrames) {
            dropped++;
            reportDropped(telemetry, maxFrames);
            continue;
          }
          recorded++;
          const attributes = frameAttributes(entry, maxScripts);
          emitEvent(logger, 'browser.long_animation_frame', attributes, entry.startTime);
        }
      }),
    );
    // buffered: frames from before this chunk loaded (the page load) are reported too.
    observer.observe({ type: ENTRY_TYPE, buffered: true });
    // The drop count goes out with the page-hide flush (runs before it, synchronously).
    removeHideListener = onBeforeHideFlush(
      guarded('longAnimationFrames', () => {
        if (dropped === 0) return;
        emitEvent(logger, 'browser.long_animation_frame.dropped', { 'browser.long_animation_frame.dropped_count': dropped }, undefined, SeverityNumber.WARN);
        dropped = 0;
      }),
    );
  })();
  return () => {
    try {
      observer?.disconnect();
      removeHideListener?.();
    } catch {
      // Nothing to undo.
    }
  };
}

/**
 * Counts a dropped frame in `stats().longAnimationFramesDropped` (one console line), through the
 * SDK's counters; a handle without them (not this package's) gets the console line only.
 */
function reportDropped(telemetry: Telemetry, maxFrames: number): void {
  const message = () => `long animation frames: over ${maxFrames} on this page; later ones are dropped (counted in browser.long_animation_frame.dropped events too)`;
  const diag = (telemetry as { diag?: Diagnostics }).diag;
  if (diag && typeof diag.report === 'function') diag.report('longAnimationFramesDropped', message);
  else warnOnce('longAnimationFrames.cap', message());
}

function frameAttributes(entry: LongAnimationFrame, maxScripts: number): LogAttributes {
  const attributes: LogAttributes = {
    'browser.long_animation_frame.duration': entry.duration,
    'browser.long_animation_frame.blocking_duration': entry.blockingDuration ?? 0,
  };
  // Offsets from the frame's start, in ms (an input queued just before the frame counts as 0).
  const relative = (key: string, value: number | undefined) => {
    if (typeof value === 'number' && value > 0) attributes[`browser.long_animation_frame.${key}`] = Math.max(0, value - entry.startTime);
  };
  relative('render_start', entry.renderStart);
  relative('style_and_layout_start', entry.styleAndLayoutStart);
  relative('first_ui_event_timestamp', entry.firstUIEventTimestamp);
  const scripts = [...(entry.scripts ?? [])].sort((a, b) => b.duration - a.duration);
  attributes['browser.long_animation_frame.script_count'] = scripts.length;
  attributes['browser.long_animation_frame.scripts'] = scripts.slice(0, maxScripts).map((s) => {
    const script: LogAttributes = { duration: s.duration };
    const put = (key: string, value: unknown) => {
      if (value !== undefined && value !== '') script[key] = value;
    };
    put('invoker', clamp(s.invoker));
    put('invoker_type', clamp(s.invokerType, 32));
    put('source_url', safeUrl(s.sourceURL));
    put('source_function_name', clamp(s.sourceFunctionName));
    if (typeof s.sourceCharPosition === 'number' && s.sourceCharPosition >= 0) script.source_char_position = s.sourceCharPosition;
    put('forced_style_and_layout_duration', s.forcedStyleAndLayoutDuration);
    put('pause_duration', s.pauseDuration);
    put('window_attribution', clamp(s.windowAttribution, 32));
    return script;
  });
  return attributes;
}

/** `value` if it is a positive finite number (or zero when `allowZero`), else `fallback`. */
function positive(value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && (value > 0 || (allowZero && value === 0))) return value;
  warnOnce('longAnimationFrames.options', `long animation frames: an option is not a positive number; its default (${fallback}) is used`);
  return fallback;
}
