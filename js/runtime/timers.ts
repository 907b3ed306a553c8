/**
 * `setTimeout` that never keeps a Node process alive (jsdom-based test runners, server-side
 * tools): telemetry must not delay the exit of a program that is otherwise done. In browsers
 * it is plain `setTimeout`.
 */
export function backgroundTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
