import { runValidate } from './commands/validate.js';
import { runTrain } from './commands/train.js';

const USAGE = `Tensorloom: design, train and look inside neural networks.

Usage:
  tensorloom validate FILE... [--json]
  tensorloom train FILE [--epochs N] [--backend B] [--json] [--out DIR] [--resume DIR]
  tensorloom export [FILE] --to pytorch|tfjs [--checkpoint DIR] --out DIR [--json]
  tensorloom serve [--port P] [--host H] [--expose] [--workspace DIR]
  tensorloom tree FILE --checkpoint DIR [--method exact|cnet] [--json] [--limit N]
  tensorloom landscape FILE --checkpoint DIR [--grid N] [--range R] [--json] [--trajectory DIR]...
  tensorloom verify NAME... | --all [--full] [--json] [--backend B]

Backends (B): tensorflow-gpu, tensorflow, native, wasm, cpu (default: the best available).`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  validate: async () => runValidate,
  train: async () => runTrain,
  export: async () => (await import('./commands/export.js')).runExport,
  serve: async () => (await import('./commands/serve.js')).runServe,
  tree: async () => (await import('./commands/tree.js')).runTree,
  landscape: async () => (await import('./commands/landscape.js')).runLandscape,
  verify: async () => (await import('./commands/verify.js')).runVerify,
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
