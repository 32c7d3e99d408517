// Installs source-hooks.mjs in a child node before its entry module loads.
import { register } from 'node:module';

register('./source-hooks.mjs', import.meta.url);
