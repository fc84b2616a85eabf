// Runs the test suites with the native backend standing in for `cpu` (see
// engine/backend/native/standInForCpu.ts), and TENSORLOOM_BACKEND=native as the default:
//   npx vitest run -c native/vitest.config.ts test/parity engine/nodes test/engine
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    root: fileURLToPath(new URL('..', import.meta.url)),
    test: {
      setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
      env: { TENSORLOOM_BACKEND: 'native' },
    },
  }),
);
