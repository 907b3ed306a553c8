/**
 * React Router (v6.4+ and v7 data routers: `createBrowserRouter`, `createHashRouter`,
 * `createMemoryRouter`) feeding the route pattern (`/users/:id`) to the browser signals: the
 * navigation events' `url.template` and Web Vitals' route attribute. No React Router import: the
 * router is read through the small part of its public API used here (`state.matches`, `subscribe`).
 */

import { setRoutePattern } from '../rum/route.js';

/** The parts of a React Router data router read here. */
export interface DataRouterLike {
  readonly state: { readonly matches: ReadonlyArray<{ readonly route: { readonly path?: string | undefined } }> };
  subscribe(listener: (state: DataRouterLike['state']) => void): () => void;
}

/**
 * Keeps the current route pattern in step with `router` (from its state now and after every
 * change); returns the function that stops it. Never throws.
 *
 * @example
 * const router = createBrowserRouter(routes);
 * trackReactRouter(router);
 */
export function trackReactRouter(router: DataRouterLike): () => void {
  const update = (state: DataRouterLike['state']) => {
    try {
      setRoutePattern(routePattern(state.matches));
    } catch {
      // A router of another shape: no pattern rather than an exception in the app's navigation.
    }
  };
  try {
    update(router.state);
    const unsubscribe = router.subscribe(update);
    return () => {
      try {
        unsubscribe();
      } catch {
        // As above.
      }
    };
  } catch {
    return () => {};
  }
}

/**
 * The pattern of the matched routes: their paths joined (`users` + `:id` → `/users/:id`); an
 * absolute child path replaces what came before; pathless layout and index routes add nothing.
 */
export function routePattern(matches: DataRouterLike['state']['matches']): string | undefined {
  if (!matches.length) return undefined;
  let pattern = '';
  for (const { route } of matches) {
    const path = route.path;
    if (!path) continue;
    pattern = path.startsWith('/') ? path : `${pattern}/${path}`;
  }
  return pattern.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1') || '/';
}
