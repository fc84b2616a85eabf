import { readFile } from 'node:fs/promises';
import { formatProblem, hasErrors } from '../../graph/problems.js';
import type { Graph } from '../../graph/schema.js';
import { trainGraph } from '../../run/trainGraph.js';
import type { TrainEvent } from '../../train/events.js';
import { createProgressBar } from '../progress.js';
import { backendFlag, numberFlag, orUsage, parseOrUsage, usagePrinter, whole } from '../command.js';
import { graphProblemsMessage, validateGraphFile } from '../graphFile.js';

const USAGE = 'usage: tensorloom train FILE [--epochs N] [--backend B] [--json] [--out DIR] [--resume DIR] [--steps-per-epoch N]';
const usage = usagePrinter('train', USAGE);

export async function runTrain(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, {
    epochs: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    resume: { type: 'string' },
    'steps-per-epoch': { type: 'string' },
    seed: { type: 'string' },
  }, usage);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage('name one graph file');
  const flags = orUsage(usage, () => {
    const overrides: Record<string, number> = {};
    for (const [flag, key] of [['epochs', 'epochs'], ['steps-per-epoch', 'stepsPerEpoch'], ['seed', 'seed']] as const) {
      const n = numberFlag(flag, values[flag], undefined, whole(key === 'seed' ? 0 : 1), `a whole number${key === 'seed' ? '' : ' ≥ 1'}`);
      if (n !== undefined) overrides[key] = n;
    }
    return { overrides, backend: backendFlag(values.backend) };
  });
  if (typeof flags === 'number') return flags;
  const { overrides, backend } = flags;

  const file = positionals[0];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    console.error(`tensorloom train: cannot read ${file}: ${(err as Error).message}`);
    return 1;
  }
  const { baseDir, validation } = validateGraphFile(file, text);
  const json = Boolean(values.json);
  if (hasErrors(validation.problems) || !validation.graph) {
    const errors = validation.problems.filter((p) => p.severity === 'error');
    if (json) console.log(JSON.stringify({ event: 'error', code: 'graph', message: errors.map(formatProblem).join('\n'), problems: errors }));
    else console.error(graphProblemsMessage(file, errors));
    return 1;
  }
  const graph: Graph = validation.graph;
  const progress = !json && process.stderr.isTTY ? createProgressBar(process.stderr) : null;
  let exitCode = 0;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const onEvent = (event: TrainEvent) => {
    if (event.event === 'error') exitCode = 1;
    if (json) {
      console.log(JSON.stringify(event));
      return;
    }
    progress?.(event);
    if (event.event === 'error') console.error(`error: ${event.message}`);
    else if (!progress) printPlain(event);
  };
  const result = await trainGraph(graph, { backend, overrides, baseDir, outDir: values.out, resumeFrom: values.resume, onEvent, signal: controller.signal });
  if (!json && result.final) {
    const m = result.final.metrics;
    const pct = (v?: number) => (v === undefined ? '' : ` accuracy ${(v * 100).toFixed(2)}%`);
    console.log(`backend: ${result.final.backend}\ntrain: loss ${m.trainLoss.toFixed(4)}${pct(m.trainAccuracy)}\ntest:  loss ${m.testLoss.toFixed(4)}${pct(m.testAccuracy)}`);
    if (values.out) console.log(`checkpoint: ${values.out}`);
  }
  return result.ok ? exitCode : 1;
}

/** Without a terminal, one line per epoch keeps logs readable. */
function printPlain(event: TrainEvent): void {
  if (event.event === 'start') console.log(`training on ${event.backend}: ${event.parameters} parameters, ${event.totalSteps} steps`);
  if (event.event === 'epoch') {
    const acc = event.test.accuracy !== undefined ? ` test accuracy ${(event.test.accuracy * 100).toFixed(2)}%` : '';
    console.log(`epoch ${event.epoch}: train loss ${event.train.loss.toFixed(4)} test loss ${event.test.loss.toFixed(4)}${acc}`);
  }
}
