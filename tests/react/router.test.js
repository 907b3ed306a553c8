// trackReactRouter with a real React Router 7 data router (createMemoryRouter, no rendering
// needed): the route pattern the browser signals read follows every navigation.
import { expect, test } from 'vitest';
import { createMemoryRouter } from 'react-router';
import { trackReactRouter } from '../../build/pkg/dist/react/index.js';
import { currentRoutePattern, setRoutePattern } from '../../build/pkg/dist/index.js';

const routes = [
  {
    path: '/',
    children: [
      { index: true },
      { path: 'users', children: [{ index: true }, { path: ':id', children: [{ index: true }, { path: 'orders/*' }] }] },
      { id: 'layout', children: [{ path: 'settings' }] },
      { path: '/about' },
    ],
  },
];

test('the route pattern follows a data router, from its state at the start and after each navigation', async () => {
  setRoutePattern(undefined);
  const router = createMemoryRouter(routes, { initialEntries: ['/users/42'] });
  const stop = trackReactRouter(router);
  expect(currentRoutePattern()).toBe('/users/:id');
  await router.navigate('/users/7/orders/3');
  expect(currentRoutePattern()).toBe('/users/:id/orders/*');
  await router.navigate('/settings'); // under a pathless layout route
  expect(currentRoutePattern()).toBe('/settings');
  await router.navigate('/users');
  expect(currentRoutePattern()).toBe('/users');
  await router.navigate('/');
  expect(currentRoutePattern()).toBe('/');
  stop();
  await router.navigate('/about');
  expect(currentRoutePattern()).toBe('/', 'stopped: no longer updated');
  router.dispose();
});

test('an object that is not a router: no pattern, no exception', () => {
  setRoutePattern('/kept');
  const stop = trackReactRouter({ state: null, subscribe: () => { throw new Error('nope'); } });
  expect(currentRoutePattern()).toBe('/kept');
  expect(() => stop()).not.toThrow();
});
