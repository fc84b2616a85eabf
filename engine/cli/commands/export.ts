import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { initBackend } from '../../backend/select.js';
import { CHECKPOINT_FILES } from '../../checkpoint/checkpoint.js';
import { EXPORT_TARGETS, type ExportTarget } from '../../export/bundle.js';
import { exportToDirectory } from '../../export/exportGraph.js';
import { hasErrors } from '../../graph/problems.js';
import { failer, parseOrUsage, usagePrinter } from '../command.js';
import { graphProblemsMessage, validateGraphFile } from '../graphFile.js';

const USAGE = 'usage: tensorloom export [FILE] --to pytorch|tfjs [--checkpoint DIR] --out DIR [--json]';
const usage = usagePrinter('export', USAGE);

/**
 * Writes the graph as a PyTorch module (model.py + weights.safetensors) or a TensorFlow.js
 * ES module (model.mjs + weights.bin + package.json) into --out. The weights are the
 * checkpoint's, or without --checkpoint the untrained ones from the graph's seed. FILE
 * may be left out with --checkpoint: the graph saved in the checkpoint is used.
 */
export async function runExport(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, {
    to: { type: 'string' },
    checkpoint: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  }, usage);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const json = Boolean(values.json);
  if (positionals.length > 1) return usage('name one graph file');
  if (!positionals.length && !values.checkpoint) return usage('name a graph file, or a checkpoint with --checkpoint');
  if (!values.to || !EXPORT_TARGETS.includes(values.to as ExportTarget)) {
    return usage(values.to ? `unknown target "${values.to}" (use pytorch or tfjs)` : 'say what to export to with --to pytorch or --to tfjs');
  }
  if (!values.out) return usage('say where to write the files with --out DIR');
  const target = values.to as ExportTarget;

  const file = positionals[0] ?? join(values.checkpoint!, CHECKPOINT_FILES.graph);
  const fail = failer('export', json);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return fail('io', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (err as Error).message}`);
  }
  const { validation } = validateGraphFile(file, text);
  if (hasErrors(validation.problems) || !validation.graph) {
    return fail('graph', graphProblemsMessage(file, validation.problems.filter((p) => p.severity === 'error')));
  }
  try {
    // Only the initial weights need tensors; the plain-JS backend makes them the same everywhere.
    await initBackend('cpu');
    const result = await exportToDirectory({
      validation,
      target,
      outDir: values.out,
      checkpointDir: values.checkpoint,
      seed: validation.graph.training?.seed ?? 1,
      source: basename(file),
    });
    const weights =
      result.weights.from === 'checkpoint'
        ? `weights of the checkpoint ${result.weights.dir} (step ${result.weights.step}, epoch ${result.weights.epoch})`
        : `initial weights from seed ${result.weights.seed} (untrained: pass --checkpoint DIR for trained ones)`;
    if (json) console.log(JSON.stringify({ event: 'done', target, files: result.written, weights: result.weights }));
    else {
      for (const path of result.written) console.log(`wrote ${path}`);
      console.log(`${target === 'pytorch' ? 'PyTorch' : 'TensorFlow.js'} export with the ${weights}`);
    }
    return 0;
  } catch (err) {
    return fail('export', (err as Error).message);
  }
}
