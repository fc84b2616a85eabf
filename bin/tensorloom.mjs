#!/usr/bin/env node
// Entry point of the `tensorloom` command: runs the TypeScript CLI through tsx's loader,
// so a checkout works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(`tensorloom: ${err?.message ?? err}`);
  process.exitCode = 1;
}
