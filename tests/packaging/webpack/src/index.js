// webpack's defaults, no webpack.config.js: entry ./src/index.js, output ./dist/main.js.
import { sendAll } from '../../app/send-all.js';

sendAll('packaging-webpack');
