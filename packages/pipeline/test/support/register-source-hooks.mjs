// `node --import ./register-source-hooks.mjs`: installs source-hooks.mjs before the entry runs.
import { register } from 'node:module';

register('./source-hooks.mjs', import.meta.url);
