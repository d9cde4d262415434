/** For the typeorm CLI (`typeorm -d dist/src/database/cli-data-source.js …`); the app never imports this file. */
import { loadEnv } from '../config/env.js';
import { createDataSource } from './data-source.js';

export default createDataSource(loadEnv());
