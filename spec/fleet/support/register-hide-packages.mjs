import { register } from 'node:module';

register('./hide-packages.mjs', import.meta.url);
