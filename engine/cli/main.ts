import { parseArgs } from 'node:util';
import { runValidate } from './commands/validate.js';
import { runTrain } from './commands/train.js';

const USAGE = `Tensorloom: design, train and look inside neural networks.

Usage:
  tensorloom validate FILE... [--json]
  tensorloom train FILE [--epochs N] [--backend B] [--json] [--out DIR] [--resume DIR]
  tensorloom serve [--port P] [--host H]
  tensorloom verify TEMPLATE|--all [--full]
  tensorloom tree FILE --checkpoint DIR [--method exact|cnet] [--json]
  tensorloom landscape FILE --checkpoint DIR [--grid N] [--range R] [--json]
  tensorloom export FILE --to pytorch|tfjs [--checkpoint DIR] --out DIR

Backends (B): tensorflow-gpu, tensorflow, wasm, cpu (default: the best available).`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  validate: async () => runValidate,
  train: async () => runTrain,
  serve: async () => (await import('./commands/serve.js')).runServe,
  verify: async () => (await import('./commands/verify.js')).runVerify,
  tree: async () => (await import('./commands/tree.js')).runTree,
  landscape: async () => (await import('./commands/landscape.js')).runLandscape,
  export: async () => (await import('./commands/export.js')).runExport,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`tensorloom: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  let command: Command;
  try {
    command = await load();
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      console.error(`tensorloom ${name}: not available in this build yet`);
      return 2;
    }
    throw err;
  }
  return command(rest);
}

/** parseArgs with errors turned into a usage message instead of a stack trace. */
export function parseCommandArgs<T extends Parameters<typeof parseArgs>[0]['options']>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export class UsageError extends Error {}
