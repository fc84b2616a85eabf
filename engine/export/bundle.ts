import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidationResult } from '../graph/validate.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { planExport } from './plan.js';
import { generatePyTorch } from './pytorch.js';
import { encodeTfjsWeights, generateTfjs } from './tfjs.js';
import { checkExportWeights, encodeExportSafetensors, type WeightMap } from './weights.js';

export type ExportTarget = 'pytorch' | 'tfjs';
export const EXPORT_TARGETS: readonly ExportTarget[] = ['pytorch', 'tfjs'];

export interface ExportFile {
  name: string;
  /** Source code (UTF-8 text) … */
  text?: string;
  /** … or binary weights. */
  bytes?: Uint8Array;
}

/** Everything an export writes: the code to show (Monaco) and the files to save. */
export interface ExportBundle {
  target: ExportTarget;
  language: 'python' | 'javascript';
  /** The file holding the code, first in `files`. */
  mainFile: string;
  code: string;
  files: ExportFile[];
}

/** An ExportBundle as plain JSON (binary files in base64), for the engine protocol. */
export interface ExportBundleWire {
  target: ExportTarget;
  language: 'python' | 'javascript';
  mainFile: string;
  code: string;
  files: { name: string; text?: string; base64?: string }[];
}

export interface ExportOptions {
  /** Where the graph came from, named in the generated code's header. */
  source?: string;
  /** What the weights are, named in error messages ("the checkpoint"). */
  weightsFrom?: string;
}

/**
 * Exports a validated graph with its weights (a checkpoint's, a run's, or the initial
 * ones) to PyTorch or TensorFlow.js. Throws ExportError naming the node or variable at
 * fault when the graph has problems or the weights do not belong to it.
 */
export function exportModel(validation: ValidationResult, target: ExportTarget, weights: WeightMap, options: ExportOptions = {}): ExportBundle {
  const plan = planExport(validation);
  checkExportWeights(plan, weights, options.weightsFrom);
  if (target === 'pytorch') {
    const { code } = generatePyTorch(plan, { source: options.source });
    return {
      target,
      language: 'python',
      mainFile: 'model.py',
      code,
      files: [
        { name: 'model.py', text: code },
        { name: 'weights.safetensors', bytes: encodeExportSafetensors(plan, weights) },
      ],
    };
  }
  const { code, weightSpecs } = generateTfjs(plan, { source: options.source });
  const packageJson = {
    name: packageName(plan.title),
    private: true,
    type: 'module',
    main: 'model.mjs',
    dependencies: { '@tensorflow/tfjs': '^4.22.0' },
  };
  return {
    target,
    language: 'javascript',
    mainFile: 'model.mjs',
    code,
    files: [
      { name: 'model.mjs', text: code },
      { name: 'weights.bin', bytes: encodeTfjsWeights(weightSpecs, weights) },
      { name: 'package.json', text: JSON.stringify(packageJson, null, 2) + '\n' },
    ],
  };
}

/** The generated code alone (no weights needed): for the code view before anything is trained. */
export function exportCode(validation: ValidationResult, target: ExportTarget, options: ExportOptions = {}): string {
  const plan = planExport(validation);
  return target === 'pytorch' ? generatePyTorch(plan, { source: options.source }).code : generateTfjs(plan, { source: options.source }).code;
}

/** Writes every file of the bundle into `outDir` (created if needed); returns the paths written. */
export async function writeExportBundle(bundle: ExportBundle, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const file of bundle.files) {
    const path = join(outDir, file.name);
    await writeFileAtomic(path, file.bytes ?? file.text ?? '');
    written.push(path);
  }
  return written;
}

export function bundleToWire(bundle: ExportBundle): ExportBundleWire {
  return {
    ...bundle,
    files: bundle.files.map((f) => (f.bytes ? { name: f.name, base64: Buffer.from(f.bytes).toString('base64') } : { name: f.name, text: f.text ?? '' })),
  };
}

function packageName(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return slug || 'tensorloom-model';
}
