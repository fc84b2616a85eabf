// Bootstrap of the engine worker thread in a checkout: loads TypeScript through tsx's
// loader (as bin/tensorloom.mjs does), then the entry. Packaged builds start a bundled
// entry instead.
import { register } from 'tsx/esm/api';

register();
await import('./engineEntry.ts');
