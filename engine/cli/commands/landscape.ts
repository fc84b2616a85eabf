import { loadCheckpoint } from '../../checkpoint/checkpoint.js';
import { DEFAULT_GRID, DEFAULT_RANGE, lossLandscape, type AnalysisProgress, type LandscapeResult, type WeightSnapshot } from '../../analysis/landscape/index.js';
import { backendFlag, failer, numberFlag, orUsage, parseOrUsage, positive, usagePrinter, whole } from '../command.js';
import { loadTrained } from '../loadTrained.js';

const USAGE =
  'usage: tensorloom landscape FILE --checkpoint DIR [--grid N] [--range R] [--json] [--rho R] [--steps N] [--split train|test] [--seed S] [--limit N] [--trajectory DIR]... [--backend B]';
const usage = usagePrinter('landscape', USAGE);

export async function runLandscape(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, {
    checkpoint: { type: 'string' },
    grid: { type: 'string' },
    range: { type: 'string' },
    json: { type: 'boolean' },
    rho: { type: 'string' },
    steps: { type: 'string' },
    split: { type: 'string' },
    seed: { type: 'string' },
    limit: { type: 'string' },
    trajectory: { type: 'string', multiple: true },
    backend: { type: 'string' },
  }, usage);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage('name one graph file');
  if (!values.checkpoint) return usage('--checkpoint DIR is required (train with `tensorloom train FILE --out DIR`)');
  const numbers = orUsage(usage, () => ({
    grid: numberFlag('grid', values.grid, DEFAULT_GRID, whole(1, 1001), 'a whole number from 1 to 1001'),
    range: numberFlag('range', values.range, values.trajectory ? undefined : DEFAULT_RANGE, positive, 'a positive number'),
    rho: numberFlag('rho', values.rho, 0.05, positive, 'a positive number'),
    steps: numberFlag('steps', values.steps, 5, whole(0, 1000), 'a whole number ≥ 0'),
    seed: numberFlag('seed', values.seed, 1, whole(0), 'a whole number'),
    limit: numberFlag('limit', values.limit, undefined, whole(1), 'a whole number ≥ 1'),
  }));
  if (typeof numbers === 'number') return numbers;
  const { grid, range, rho, steps, seed, limit } = numbers;
  const split = values.split ?? 'train';
  if (split !== 'train' && split !== 'test') return usage(`--split must be train or test, got "${split}"`);
  const backend = orUsage(usage, () => backendFlag(values.backend));
  if (typeof backend === 'number') return backend;
  const json = Boolean(values.json);
  const fail = failer('landscape', json);

  const loaded = await loadTrained(positionals[0], values.checkpoint, backend);
  if ('error' in loaded) return fail(loaded.code, loaded.error);
  const { model, data, backendLabel } = loaded;
  let path: WeightSnapshot[] | undefined;
  if (values.trajectory) {
    try {
      path = [];
      for (const dir of values.trajectory) {
        const c = await loadCheckpoint(dir);
        for (const t of Object.values(c.optimizerState)) t.dispose();
        path.push(c.weights);
      }
    } catch (err) {
      model.dispose();
      return fail('checkpoint', (err as Error).message);
    }
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = !json && process.stderr.isTTY ? progressLine(process.stderr) : undefined;
  let result: LandscapeResult;
  try {
    result = await lossLandscape(model, data, {
      grid,
      range,
      seed,
      split,
      limit,
      path,
      sharpness: { rho, steps },
      signal: controller.signal,
      onProgress: progress,
    });
  } catch (err) {
    if (controller.signal.aborted) return fail('stopped', 'stopped before the landscape was complete');
    return fail('analysis', (err as Error).message);
  } finally {
    process.off('SIGINT', onSigint);
    if (progress) process.stderr.write('\r\x1b[K');
    model.dispose();
  }
  if (json) {
    console.log(JSON.stringify({ backend: backendLabel, ...result }));
    return 0;
  }
  printLandscape(result);
  return 0;
}

function printLandscape(r: LandscapeResult): void {
  const all = r.grid.flat();
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const axes = r.directions === 'path' ? `the training path's principal directions (${r.explained!.map((e) => `${(e * 100).toFixed(1)}%`).join(', ')} of its variance)` : 'two filter-normalised random directions';
  console.log(`loss landscape on the ${r.split} split (${r.samples} examples) along ${axes}`);
  console.log(`centre loss ${r.centerLoss.toPrecision(6)}; grid ${r.xs.length}×${r.ys.length} from ${fmt(r.xs[0])} to ${fmt(r.xs[r.xs.length - 1])}: loss ${lo.toPrecision(4)} to ${hi.toPrecision(4)}, lowest at (${fmt(r.min.x)}, ${fmt(r.min.y)})`);
  if (r.sharpness) {
    const s = r.sharpness;
    console.log(`sharpness (ρ = ${s.rho}): first-order ${s.firstOrder.toPrecision(4)}, gradient ascent ${s.ascent.toPrecision(4)} (‖∇L‖ = ${s.gradNorm.toPrecision(4)})`);
  }
  if (r.xs.length > 1 && r.xs.length <= 61) {
    // A shaded map, low loss dark, on a log scale so the basin shows.
    const shades = ' .:-=+*#%@';
    const l0 = Math.log(lo + 1e-12);
    const span = Math.log(hi + 1e-12) - l0 || 1;
    for (let j = r.ys.length - 1; j >= 0; j--) {
      const line = r.grid[j].map((v) => shades[Math.min(shades.length - 1, Math.floor(((Math.log(v + 1e-12) - l0) / span) * shades.length))]).join('');
      console.log(`  ${line}`);
    }
  }
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function progressLine(stream: NodeJS.WriteStream): (p: AnalysisProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.done < p.total) return;
    last = now;
    stream.write(`\r${p.phase} ${p.done}/${p.total}\x1b[K`);
  };
}
