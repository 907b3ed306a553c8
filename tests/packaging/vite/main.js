import { sendAll } from '../app/send-all.js';

sendAll(import.meta.env.DEV ? 'packaging-vite-dev' : 'packaging-vite-build');
