/** The single-file build of the React entry (see `./index.ts`). */

import './bundle_lazy_modules.js';

export * from '../react/index.js';
