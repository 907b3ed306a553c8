import { sendAll } from '../app/send-all.js';

sendAll('packaging-rollup-browser');
