import { DEFAULT_NODE_LIMIT, extractCNet, extractExactTree, type TreeResult } from '../../analysis/tree/index.js';
import { backendFlag, failer, numberFlag, orUsage, parseOrUsage, usagePrinter, whole } from '../command.js';
import { loadTrained } from '../loadTrained.js';

const USAGE = 'usage: tensorloom tree FILE --checkpoint DIR [--method exact|cnet] [--json] [--limit N] [--no-lp] [--backend B] [--seed S]';
const usage = usagePrinter('tree', USAGE);

export async function runTree(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, {
    checkpoint: { type: 'string' },
    method: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    'no-lp': { type: 'boolean' },
    backend: { type: 'string' },
    seed: { type: 'string' },
  }, usage);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage('name one graph file');
  if (!values.checkpoint) return usage('--checkpoint DIR is required (train with `tensorloom train FILE --out DIR`)');
  const method = values.method ?? 'exact';
  if (method !== 'exact' && method !== 'cnet') return usage(`--method must be exact or cnet, got "${method}"`);
  const flags = orUsage(usage, () => ({
    limit: numberFlag('limit', values.limit, DEFAULT_NODE_LIMIT, whole(1), 'a whole number ≥ 1'),
    seed: numberFlag('seed', values.seed, 1, whole(0), 'a whole number'),
    backend: backendFlag(values.backend),
  }));
  if (typeof flags === 'number') return flags;
  const { limit, seed, backend } = flags;
  const json = Boolean(values.json);
  const fail = failer('tree', json);

  const loaded = await loadTrained(positionals[0], values.checkpoint, backend);
  if ('error' in loaded) return fail(loaded.code, loaded.error);
  const { model, data, backendLabel } = loaded;
  let result: TreeResult;
  try {
    result = method === 'exact'
      ? await extractExactTree(model, data, { limit, seed, ...(values['no-lp'] ? { lp: false } : {}) })
      : await extractCNet(model, data, { seed });
  } catch (err) {
    return fail('analysis', (err as Error).message);
  } finally {
    model.dispose();
  }
  if (json) {
    console.log(JSON.stringify({ backend: backendLabel, ...result }));
    return 0;
  }
  printTree(result);
  return 0;
}

function printTree(r: TreeResult): void {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);
  if (r.method === 'exact') {
    console.log(`exact tree: ${r.size} nodes, depth ${r.depth}, ${r.regions} regions (${r.hiddenUnits} hidden units; at most ${r.regionBound ?? '∞'} regions)`);
    console.log(`fidelity to the network: ${pct(r.fidelity)} of ${r.fidelitySamples} random inputs (${pct(r.coverage)} in regions of the tree${r.addedOnDemand ? `, ${r.addedOnDemand} added on demand` : ''})`);
    console.log(`LP: ${r.lp.used ? `${r.lp.checks} checks, ${r.lp.pruned} impossible branches pruned` : 'off'}; ${r.complete ? 'complete on the data box' : 'incomplete'}`);
  } else {
    console.log(`C-Net tree on ${r.hiddenLayer.nodeId} (${r.hiddenLayer.width} units): ${r.size} nodes, depth ${r.depth}, ${r.regions} leaves`);
    console.log(`fidelity to the network: ${pct(r.fidelity)} (test), ${pct(r.trainFidelity)} (train); with the input rules: ${pct(r.inputRuleFidelity)}`);
  }
  console.log(`test accuracy: tree ${pct(r.accuracy)}, network ${pct(r.networkAccuracy)}`);
  if (r.warning) console.log(`warning: ${r.warning}`);
  const shown = r.rules.slice(0, 10);
  console.log(`rules (${shown.length} of ${r.rules.length}; --json for all):`);
  for (const rule of shown) console.log(`  IF ${rule.conditions.join(' AND ') || 'always'}\n     THEN ${rule.conclusion}`);
}
