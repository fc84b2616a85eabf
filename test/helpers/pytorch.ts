import { spawnSync } from 'node:child_process';

/** Debian's python3 with python3-torch; the first python3 on PATH may be another one. */
export const PYTHON = '/usr/bin/python3';

let cached: boolean | undefined;

/** True where PyTorch can be imported. In CI it must be: a missing torch fails instead of skipping. */
export function torchAvailable(): boolean {
  if (cached === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    cached = r.status === 0;
    if (!cached && process.env.CI) throw new Error('PyTorch is required in CI: apt-get install -y python3-torch');
  }
  return cached;
}

/**
 * Runs a Python snippet with `data` (the JSON input) in scope and `torch`, `json`
 * imported; the snippet sets `result`, which comes back parsed from JSON.
 */
export function runTorch<T = unknown>(snippet: string, data: unknown): T {
  const program = [
    'import json, sys',
    'import torch',
    'torch.set_default_dtype(torch.float32)',
    'data = json.load(sys.stdin)',
    'result = None',
    snippet,
    'def _plain(v):',
    '    if isinstance(v, torch.Tensor): return v.detach().double().tolist()',
    '    if isinstance(v, dict): return {k: _plain(x) for k, x in v.items()}',
    '    if isinstance(v, (list, tuple)): return [_plain(x) for x in v]',
    '    return v',
    'json.dump(_plain(result), sys.stdout)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', program], { input: JSON.stringify(data), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
