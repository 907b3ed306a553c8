// Hook tests (tests/react) against the built package in build/pkg, in jsdom. REACT=18 runs them
// against React 18 (installed in tests/react18 by scripts/test.sh) instead of the root's React 19.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const react18 = process.env.REACT === '18';
const from18 = (name) => fileURLToPath(new URL(`./tests/react18/node_modules/${name}`, import.meta.url));

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  resolve: react18
    ? {
        alias: [
          { find: /^react$/, replacement: from18('react') },
          { find: /^react\/(.*)$/, replacement: `${from18('react')}/$1` },
          { find: /^react-dom$/, replacement: from18('react-dom') },
          { find: /^react-dom\/(.*)$/, replacement: `${from18('react-dom')}/$1` },
          // Its own copy, so that its require('react-dom') finds React 18 too.
          { find: /^@testing-library\/react$/, replacement: from18('@testing-library/react') },
        ],
      }
    : {},
  test: {
    include: ['tests/react/**/*.test.{js,jsx}'],
    environment: 'jsdom',
    // The package is inlined so the aliases apply to its own `import 'react'`.
    server: { deps: { inline: [/build\/pkg/] } },
  },
});
