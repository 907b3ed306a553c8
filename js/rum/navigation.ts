/**
 * SPA navigations as OpenTelemetry browser events `browser.navigation` (the Browser SIG's names):
 * `url.full` (query string stripped unless `includeQuery`), `browser.navigation.same_document`,
 * `browser.navigation.hash_change`, `browser.navigation.type` (`push`, `replace`, `reload`,
 * `traverse`), and `url.template` when a router integration knows the route pattern. One event
 * for the page load (and for a page restored from the back/forward cache: a new page view), then
 * one per same-document change of `url.full` (so not for a query-string change while it is stripped): from the Navigation API where the browser has it, else
 * from `history.pushState`/`replaceState` (patched while running), `popstate` and `hashchange`.
 */

import type { Attributes, Telemetry } from '../api/types.js';
import { currentRoutePattern, navigationSpan } from '../runtime/initial_chunk.js';
import { pageUrl } from './url.js';

export interface NavigationModuleOptions {
  scope: string;
  includeQuery: boolean;
}

type NavigationType = 'push' | 'replace' | 'reload' | 'traverse';

/** The Navigation API's parts used here (not in TypeScript's DOM types everywhere yet). */
interface NavigateEvent extends Event {
  navigationType: NavigationType;
  hashChange: boolean;
  destination: { url: string; sameDocument: boolean };
}
interface NavigationApi {
  addEventListener(type: 'navigate', listener: (event: NavigateEvent) => void): void;
  removeEventListener(type: 'navigate', listener: (event: NavigateEvent) => void): void;
}

const LOAD_TYPES: Record<string, NavigationType> = { navigate: 'push', reload: 'reload', back_forward: 'traverse', prerender: 'push' };

export function start(telemetry: Telemetry, options: NavigationModuleOptions): () => void {
  const logger = telemetry.getLogger(options.scope);
  const urlOf = (href: string) => pageUrl(href, options.includeQuery);
  // Compared as sent: a change of the query string alone (stripped by default, e.g. a page that
  // keeps its scroll position or filters there) is no navigation.
  let last = urlOf(location.href);
  const emit = (url: string, type: NavigationType, sameDocument: boolean, hashChange: boolean) => {
    const attributes: Attributes = {
      'url.full': url,
      'browser.navigation.same_document': sameDocument,
      'browser.navigation.hash_change': hashChange,
      'browser.navigation.type': type,
    };
    const template = currentRoutePattern();
    if (template) attributes['url.template'] = template;
    logger.emit({ eventName: 'browser.navigation', attributes, span: navigationSpan() });
  };
  // After the URL has changed and the router has handled it (in the same task), so that the
  // router's route pattern is the new one.
  const changed = (href: string, type: NavigationType, hashChange?: boolean) => {
    queueMicrotask(() => {
      try {
        const url = urlOf(href);
        if (url === last) return;
        const hash = hashChange ?? withoutHash(url) === withoutHash(last);
        last = url;
        emit(url, type, true, hash);
      } catch {
        // Telemetry never breaks navigation.
      }
    });
  };

  const nav = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  emit(last, LOAD_TYPES[nav?.type ?? 'navigate'] ?? 'push', false, false);
  const onPageShow = (event: PageTransitionEvent) => {
    if (!event.persisted) return;
    last = urlOf(location.href);
    emit(last, 'traverse', false, false);
  };
  addEventListener('pageshow', onPageShow);

  const api = (globalThis as { navigation?: NavigationApi }).navigation;
  if (api && typeof api.addEventListener === 'function') {
    const onNavigate = (event: NavigateEvent) => {
      if (event.destination?.sameDocument) changed(event.destination.url, event.navigationType, event.hashChange);
    };
    api.addEventListener('navigate', onNavigate);
    return () => {
      api.removeEventListener('navigate', onNavigate);
      removeEventListener('pageshow', onPageShow);
    };
  }
  return patchHistory(changed, onPageShow);
}

function patchHistory(changed: (href: string, type: NavigationType) => void, onPageShow: (event: PageTransitionEvent) => void): () => void {
  const { pushState, replaceState } = history;
  const patched = (original: History['pushState'], type: NavigationType): History['pushState'] =>
    function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      changed(location.href, type);
    };
  const push = patched(pushState, 'push');
  const replace = patched(replaceState, 'replace');
  history.pushState = push;
  history.replaceState = replace;
  const onPopState = () => changed(location.href, 'traverse');
  const onHashChange = () => changed(location.href, 'push');
  addEventListener('popstate', onPopState);
  addEventListener('hashchange', onHashChange);
  return () => {
    // Only undo our own patch: another library may have wrapped ours since.
    if (history.pushState === push) history.pushState = pushState;
    if (history.replaceState === replace) history.replaceState = replaceState;
    removeEventListener('popstate', onPopState);
    removeEventListener('hashchange', onHashChange);
    removeEventListener('pageshow', onPageShow);
  };
}

function withoutHash(href: string): string {
  const i = href.indexOf('#');
  return i < 0 ? href : href.slice(0, i);
}
