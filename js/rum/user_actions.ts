/**
 * User actions: a trusted click (keyboard activation of a button or link is a click too; Enter
 * or Space on a non-native `role="button"`-like element counts as well) becomes a span
 * `click <name>`, the root of a new trace. Its name is readable and bounded: a `data-*`
 * attribute first (`nameAttributes`), then `aria-label`, then the element's text (at most a
 * few text nodes are read, never `outerHTML`), then its role or tag; clamped.
 *
 * Fetches and spans the click causes "in the next moments" are its children through the SDK's
 * pending-parent rule (`js/trace/context.ts`, as for `tracedUserAction`): the action is a
 * pending parent for `childWindowMillis`, so a fetch made by the click handler, even after an
 * `await`, gets it as parent and sends its `traceparent`. The span itself ends with the first
 * frame painted after the handlers ran (its duration is what the user waited for the page to
 * react, as INP measures); children may end later. A new action ends the previous one's
 * window; so does an app's own pending span (`tracedUserAction`, an async `startActiveSpan`)
 * that is unrelated to it, so the two never make each other's work ambiguous.
 *
 * Rage clicks (opt-in): `rageClickCount` clicks on one element within `rageClickWindowMillis`
 * add a `browser.user_action.rage_click` event. A separate chunk: loaded only when enabled.
 */

import type { Span, Telemetry } from '../api/types.js';
import { SeverityNumber, activeSpan, holdPending } from '../runtime/initial_chunk.js';
import { emitEvent } from './event.js';
import { guarded, warnOnce } from './guard.js';
import { clamp } from './strings.js';

/** Options of the user action signal. */
export interface UserActionsOptions {
  /** Attributes read first for an action's name, in order. Default `['data-action-name', 'data-testid']`. */
  nameAttributes?: string[] | undefined;
  /** Longest action name, in characters (longer ones are cut). Default 64. */
  maxNameLength?: number | undefined;
  /** How long after the click spans and fetches without an explicit parent become the action's children, in ms. Default 1000. */
  childWindowMillis?: number | undefined;
  /** Record rage clicks as `browser.user_action.rage_click` events. Default `false`. */
  rageClicks?: boolean | undefined;
  /** Clicks on one element that make a rage click. Default 3. */
  rageClickCount?: number | undefined;
  /** Within this many ms. Default 1000. */
  rageClickWindowMillis?: number | undefined;
}

const SCOPE = 'greptime-web-telemetry/user-actions';
/** Elements a click is really meant for, looked up from the clicked node. */
const ACTIONABLE =
  'a[href],button,input,select,textarea,summary,label,[role=button],[role=link],[role=menuitem],[role=tab],[role=checkbox],[role=switch],[role=option],[onclick]';
/** Roles whose Enter/Space the browser does not turn into a click (native controls it does). */
const KEY_ROLES = new Set(['button', 'link', 'menuitem', 'tab', 'checkbox', 'switch', 'option']);
/** Text nodes read at most for a name: bounded work on a huge element. */
const MAX_TEXT_NODES = 16;

/** Starts recording user actions; returns a function that stops it. Never throws. */
export function start(telemetry: Telemetry, options: UserActionsOptions = {}): () => void {
  const cleanups: Array<() => void> = [];
  guarded('userActions', () => {
    if (typeof document === 'undefined' || typeof addEventListener !== 'function') return;
    const tracer = telemetry.getTracer(SCOPE);
    const logger = telemetry.getLogger(SCOPE);
    let nameAttributes = ['data-action-name', 'data-testid'];
    if (Array.isArray(options.nameAttributes)) nameAttributes = options.nameAttributes.filter((a): a is string => typeof a === 'string');
    else if (options.nameAttributes !== undefined) warnOnce('userActions.options', 'user actions: nameAttributes is not an array of attribute names; the default is used');
    const maxName = count(options.maxNameLength, 64);
    const windowMs = count(options.childWindowMillis, 1000);
    const rageCount = count(options.rageClickCount, 3);
    const rageWindow = count(options.rageClickWindowMillis, 1000);
    let current: { span: Span; release: () => void; finish: () => void } | undefined;
    let rage: { element: Element; times: number[]; reported: boolean } | undefined;

    const begin = (event: Event, element: Element, input: 'pointer' | 'keyboard') => {
      current?.finish();
      const name = actionName(element, nameAttributes, maxName);
      const span = tracer.startSpan(`click ${name}`, {
        root: true,
        startTime: event.timeStamp > 0 ? event.timeStamp : undefined,
        attributes: {
          'user_action.name': name,
          'browser.user_action.type': 'click',
          'browser.user_action.input': input,
          'browser.tag_name': element.tagName,
          ...(element.id ? { 'browser.element.id': clamp(element.id, 64) } : {}),
        },
      });
      const release = holdPending(span);
      let paintedAt: number | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const action = {
        span,
        release,
        finish: () => {
          if (timer !== undefined) clearTimeout(timer);
          release();
          if (current === action) current = undefined;
          span.end(paintedAt);
        },
      };
      current = action;
      // The first frame after the handlers: the action's end (what the user waited for).
      nextPaint(() => (paintedAt = performance.now()));
      // After the handlers' synchronous part: if the app started its own unrelated pending span
      // (tracedUserAction), it owns what follows; two pending roots would make both ambiguous.
      setTimeout(
        guarded('userActions', () => {
          if (current === action && !ownsActiveParent(span)) action.finish();
        }),
        0,
      );
      timer = setTimeout(guarded('userActions', () => action.finish()), windowMs);
      if (options.rageClicks === true) rageCheck(element, event.timeStamp, name);
    };

    const rageCheck = (element: Element, at: number, name: string) => {
      if (!rage || rage.element !== element) rage = { element, times: [], reported: false };
      rage.times = rage.times.filter((t) => at - t <= rageWindow);
      rage.times.push(at);
      if (rage.times.length >= rageCount && !rage.reported) {
        rage.reported = true;
        emitEvent(
          logger,
          'browser.user_action.rage_click',
          { 'user_action.name': name, 'browser.tag_name': element.tagName, 'browser.user_action.click_count': rage.times.length },
          undefined,
          SeverityNumber.WARN,
        );
      } else if (rage.times.length === 1) {
        rage.reported = false;
      }
    };

    const onClick = guarded('userActions', (event: Event) => {
      if (!event.isTrusted) return;
      const element = targetElement(event);
      if (!element) return;
      // Keyboard activation: the browser's click has no pointer (detail 0, pointerType '').
      const keyboard = (event as MouseEvent).detail === 0 && !(event as PointerEvent).pointerType;
      begin(event, element, keyboard ? 'keyboard' : 'pointer');
    });
    const onKey = guarded('userActions', (event: Event) => {
      const key = (event as KeyboardEvent).key;
      if (!event.isTrusted || (key !== 'Enter' && key !== ' ') || (event as KeyboardEvent).repeat) return;
      const element = targetElement(event);
      if (!element || element.matches('a[href],button,input,select,textarea,summary')) return;
      if (KEY_ROLES.has(element.getAttribute('role') ?? '')) begin(event, element, 'keyboard');
    });
    // Capture on window: before the app's own handlers, so their fetches see the action.
    addEventListener('click', onClick, true);
    addEventListener('keydown', onKey, true);
    cleanups.push(() => {
      removeEventListener('click', onClick, true);
      removeEventListener('keydown', onKey, true);
      current?.finish();
    });
  })();
  return () => {
    for (const cleanup of cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // Stopping never throws.
      }
    }
  };
}

/** True when the default parent is `span` or a span of its trace (an app's tracked callback started inside the action). */
function ownsActiveParent(span: Span): boolean {
  const active = activeSpan();
  return active !== undefined && active.spanContext().traceId === span.spanContext().traceId;
}

/** The element a click was meant for: the nearest actionable ancestor, else the clicked element. */
function targetElement(event: Event): Element | undefined {
  const node = event.target as Node | null;
  const element = node instanceof Element ? node : node?.parentElement;
  if (!element) return undefined;
  return element.closest(ACTIONABLE) ?? element;
}

/** A readable, bounded name for `element` (see the file comment for the order). */
export function actionName(element: Element, nameAttributes: readonly string[], max: number): string {
  for (const attribute of nameAttributes) {
    const value = squash(element.getAttribute(attribute));
    if (value) return clamp(value, max) as string;
  }
  const label = squash(element.getAttribute('aria-label'));
  if (label) return clamp(label, max) as string;
  if (element instanceof HTMLInputElement) {
    // A button's label is its value; a text field's value is user data, never a name.
    if (['button', 'submit', 'reset'].includes(element.type) && squash(element.value)) return clamp(squash(element.value), max) as string;
    const hint = squash(element.getAttribute('name')) || squash(element.getAttribute('placeholder'));
    if (hint) return clamp(`${element.type} ${hint}`, max) as string;
  } else if (!(element instanceof HTMLTextAreaElement) && !(element instanceof HTMLSelectElement)) {
    const text = boundedText(element, max);
    if (text) return clamp(text, max) as string;
  }
  const role = element.getAttribute('role');
  return clamp(role ? role : element.id ? `${element.tagName.toLowerCase()}#${element.id}` : element.tagName.toLowerCase(), max) as string;
}

/** The first `max` characters of `element`'s text, reading at most a few text nodes. */
function boundedText(element: Element, max: number): string {
  let text = '';
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let i = 0; i < MAX_TEXT_NODES && text.length <= max; i++) {
    const node = walker.nextNode();
    if (!node) break;
    text += ` ${(node.nodeValue ?? '').slice(0, max + 1)}`;
  }
  return squash(text);
}

/** Whitespace collapsed and trimmed; `''` for non-strings. */
function squash(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
}

/** Calls `fn` after the next frame is painted (a frame, then a task after it). */
function nextPaint(fn: () => void): void {
  const after = guarded('userActions', fn);
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(after, 0));
  else setTimeout(after, 0);
}

/** `value` if it is a non-negative finite number, else `fallback` (one warning). */
function count(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  warnOnce('userActions.options', `user actions: an option is not a non-negative number; its default (${fallback}) is used`);
  return fallback;
}
