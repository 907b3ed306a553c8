/**
 * Opt-in capture of what the page reports by itself: uncaught errors and unhandled promise
 * rejections (`captureErrors`), and console calls (`captureConsole`). The page's own handlers
 * and console keep working exactly as before: listeners never call `preventDefault`, and a
 * wrapped console method calls the original first. `uninstall` undoes all of it.
 */

import type { Logger, Span } from '../api/types.js';
import { SeverityNumber, LOG_PREFIX, thrownMessage, activeSpan, exceptionAttributes } from '../runtime/initial_chunk.js';

const CONSOLE_SEVERITY: Record<string, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  log: SeverityNumber.INFO,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

/** Longest console message kept (the rest is cut). */
const MAX_CONSOLE_MESSAGE = 8192;

export function captureErrors(logger: Logger): () => void {
  if (typeof addEventListener !== 'function') return () => {};
  const onError = (event: Event) => {
    const e = event as ErrorEvent;
    const error = e.error ?? e.message;
    const attributes: Record<string, unknown> = { ...exceptionAttributes(error), 'log.source': 'uncaught-error' };
    if (typeof e.filename === 'string' && e.filename) attributes['code.file.path'] = e.filename;
    if (typeof e.lineno === 'number' && e.lineno) attributes['code.line.number'] = e.lineno;
    if (typeof e.colno === 'number' && e.colno) attributes['code.column.number'] = e.colno;
    report(logger, `Uncaught ${thrownMessage(error, true)}`, attributes, error);
  };
  const onRejection = (event: Event) => {
    const reason = (event as PromiseRejectionEvent).reason;
    report(logger, `Unhandled promise rejection: ${thrownMessage(reason, true)}`, { ...exceptionAttributes(reason), 'log.source': 'unhandled-rejection' }, reason);
  };
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return () => {
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
  };
}

function report(logger: Logger, body: string, attributes: Record<string, unknown>, error: unknown): void {
  const span: Span | undefined = activeSpan();
  if (span?.isRecording()) span.recordException(error);
  logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body, attributes });
}

export function captureConsole(logger: Logger, levels: string[]): () => void {
  if (typeof console !== 'object' || levels.length === 0) return () => {};
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  const originals = new Map<string, (...args: unknown[]) => void>();
  const wrappers = new Map<string, (...args: unknown[]) => void>();
  let inside = false;
  for (const level of levels) {
    const original = target[level];
    if (typeof original !== 'function') continue;
    const wrapper = function (this: unknown, ...args: unknown[]) {
      original.apply(this, args);
      // Our own warnings, and anything logged while we emit, are not captured (no loops).
      if (inside || (typeof args[0] === 'string' && args[0].startsWith(LOG_PREFIX))) return;
      inside = true;
      try {
        const error = args.find((a) => a instanceof Error);
        logger.emit({
          severityNumber: CONSOLE_SEVERITY[level],
          severityText: level === 'log' ? 'INFO' : level.toUpperCase(),
          body: formatConsoleArgs(args),
          attributes: { 'log.source': 'console', 'console.method': level, ...(error ? exceptionAttributes(error) : {}) },
        });
      } catch {
        // A hostile argument (a Proxy whose traps throw): the console printed it; the app's
        // console call must not throw because of us.
      } finally {
        inside = false;
      }
    };
    originals.set(level, original);
    wrappers.set(level, wrapper);
    target[level] = wrapper;
  }
  return () => {
    for (const [level, original] of originals) {
      // Only undo our own wrapper: something that wrapped the console after us stays in place.
      if (target[level] === wrappers.get(level)) target[level] = original;
    }
  };
}

/** Console arguments as one line, the way the console shows them, without running app code. */
function formatConsoleArgs(args: unknown[]): string {
  let out = '';
  for (const arg of args) {
    if (out) out += ' ';
    out += formatArg(arg, 0);
    if (out.length > MAX_CONSOLE_MESSAGE) return out.slice(0, MAX_CONSOLE_MESSAGE);
  }
  return out;
}

function formatArg(arg: unknown, depth: number): string {
  switch (typeof arg) {
    case 'string':
      return depth === 0 ? arg : JSON.stringify(arg);
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(arg);
    case 'symbol':
      return arg.toString();
    case 'function':
      return `[function ${arg.name || 'anonymous'}]`;
  }
  if (arg === null) return 'null';
  if (arg instanceof Error) return errorText(arg);
  if (depth >= 2) return Array.isArray(arg) ? '[…]' : '{…}';
  try {
    if (Array.isArray(arg)) return `[${arg.slice(0, 20).map((v) => formatArg(v, depth + 1)).join(', ')}${arg.length > 20 ? ', …' : ''}]`;
    const entries = Object.entries(arg as object).slice(0, 20);
    return `{${entries.map(([k, v]) => `${k}: ${formatArg(v, depth + 1)}`).join(', ')}}`;
  } catch {
    return '[unreadable]';
  }
}

/**
 * An error as the console shows it: "Name: message" and the stack. V8's `stack` starts with that
 * line; SpiderMonkey's (Firefox 153, tested) lists only the frames, so the line is added.
 */
function errorText(error: Error): string {
  const { name, message } = error;
  const head = !message ? String(name ?? 'Error') : !name ? String(message) : `${name}: ${message}`;
  const stack = error.stack;
  if (typeof stack !== 'string' || !stack) return head;
  return stack.startsWith(head) ? stack : `${head}\n${stack}`;
}
