import * as fs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { tf } from '../tf.js';
import { GraphSchema, type Graph } from '../graph/schema.js';
import { fsyncDirectory, renameWithRetry } from '../util/atomicWrite.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.js';

/**
 * A checkpoint is a directory of four files:
 *   weights.safetensors    the model's variables (float32)
 *   optimizer.safetensors  the optimizer's state (Optimizer.getState(): slots, step counts)
 *   graph.loom.json        the graph that was trained
 *   state.json             the trainer's state (step, epoch, history), format and version
 *
 * Names. Variables are named `<node id>/<variable>` (`h1/weight`). In the safetensors
 * files every `/` becomes `.` (`h1.weight`, `adam.m.h1.weight`), PyTorch's state_dict
 * style, so `torch`-side code finds familiar keys. Node ids may themselves contain `.`,
 * so the exact original names are kept in the file's `__metadata__` under
 * `tensorloom.names` (a JSON object key → name) and restored from there; a file without
 * it (written by other tools) maps every `.` back to `/`. Two names that would collide
 * are refused at save time. Values are stored as the engine holds them: a Linear weight
 * is [in, out], the transpose of torch.nn.Linear's.
 *
 * Atomic save. The whole directory is replaced at once, so a crash or kill mid-save
 * leaves either the previous checkpoint or the new one, never a mix of the two:
 *   1. write every file into the sibling `<dir>.saving` and fsync them and it;
 *   2. rename `<dir>` to `<dir>.previous` (if there is one);
 *   3. rename `<dir>.saving` to `<dir>`, fsync the parent directory;
 *   4. delete `<dir>.previous`.
 * A crash between 2 and 3 leaves no `<dir>` but a whole `<dir>.previous`: loading reads
 * it, and the next save first renames it back. A `<dir>.saving` left by a crash is
 * never read, and the next save deletes it. One writer per checkpoint directory.
 */
export const CHECKPOINT_FORMAT = 'tensorloom.checkpoint';
export const CHECKPOINT_VERSION = 1;

export const CHECKPOINT_FILES = {
  weights: 'weights.safetensors',
  optimizer: 'optimizer.safetensors',
  graph: 'graph.loom.json',
  state: 'state.json',
} as const;

const NAMES_METADATA = 'tensorloom.names';

export interface CheckpointTrainerState {
  step: number;
  epoch: number;
  /** Per-epoch records, as the trainer keeps them (checked to be a list, not item by item). */
  history?: unknown[];
  [key: string]: unknown;
}

export interface CheckpointInput<S extends { step: number; epoch: number }> {
  graph: Graph;
  weights: Map<string, tf.Variable>;
  /** As Optimizer.getState() returns it; the caller keeps ownership. */
  optimizerState?: Record<string, tf.Tensor>;
  /** Must survive JSON (numbers, strings, arrays, plain objects). */
  trainerState: S;
}

export interface LoadedCheckpoint {
  graph: Graph;
  weights: Record<string, { shape: number[]; data: Float32Array }>;
  /** New tensors, owned by the caller (Optimizer.setState copies them: dispose after). */
  optimizerState: Record<string, tf.Tensor>;
  trainerState: CheckpointTrainerState;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function toSafetensorsKey(name: string): string {
  return name.replaceAll('/', '.');
}

/** The staging and previous siblings of a checkpoint directory (see the scheme above). */
export function checkpointSiblings(dir: string): { target: string; staging: string; previous: string } {
  const target = resolve(dir);
  const parent = dirname(target);
  const base = basename(target);
  return { target, staging: join(parent, `${base}.saving`), previous: join(parent, `${base}.previous`) };
}

export async function saveCheckpoint<S extends { step: number; epoch: number }>(dir: string, input: CheckpointInput<S>): Promise<void> {
  const { target, staging, previous } = checkpointSiblings(dir);
  // Everything that can fail on bad input fails before the disk is touched.
  const weights: [string, SafeTensor][] = [];
  for (const [name, v] of input.weights) weights.push([name, await toSafeTensor(name, v)]);
  const optimizer: [string, SafeTensor][] = [];
  for (const [name, t] of Object.entries(input.optimizerState ?? {})) optimizer.push([name, await toSafeTensor(name, t)]);
  const files: [string, Uint8Array | string][] = [
    [CHECKPOINT_FILES.weights, encodeNamed(weights, 'weight')],
    [CHECKPOINT_FILES.optimizer, encodeNamed(optimizer, 'optimizer state')],
    [CHECKPOINT_FILES.graph, JSON.stringify(input.graph, null, 2) + '\n'],
    [
      CHECKPOINT_FILES.state,
      JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, trainer: input.trainerState }, null, 2) + '\n',
    ],
  ];

  await fs.mkdir(dirname(target), { recursive: true });
  await recover(target, previous);
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging);
  for (const [file, data] of files) await writeSynced(join(staging, file), data);
  await fsyncDirectory(staging);

  const hadTarget = await exists(target);
  if (hadTarget) await renameWithRetry(target, previous);
  await renameWithRetry(staging, target);
  await fsyncDirectory(dirname(target));
  if (hadTarget) await fs.rm(previous, { recursive: true, force: true });
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const { target, previous } = checkpointSiblings(dir);
  // Read-only: a save interrupted between its two renames left the last whole
  // checkpoint in `.previous`; read it there (the next save moves it back).
  let from = target;
  if (!(await exists(target))) {
    if (await exists(previous)) from = previous;
    else throw new CheckpointError(`no checkpoint at ${target}`);
  }
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await fs.readFile(join(from, file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CheckpointError(
        code === 'ENOENT' ? `checkpoint ${from}: ${file} is missing` : `checkpoint ${from}: cannot read ${file} (${(err as Error).message})`,
      );
    }
  };
  const where = (file: string) => join(from, file);

  const weightFile = decodeNamed(await read(CHECKPOINT_FILES.weights), where(CHECKPOINT_FILES.weights));
  const weights: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const [name, t] of weightFile) {
    if (!(t.data instanceof Float32Array)) throw new CheckpointError(`${where(CHECKPOINT_FILES.weights)}: weight "${name}" is ${t.dtype}, not F32`);
    weights.push([name, { shape: t.shape, data: t.data }]);
  }

  const optimizerFile = decodeNamed(await read(CHECKPOINT_FILES.optimizer), where(CHECKPOINT_FILES.optimizer));
  const graph = parseGraph(await read(CHECKPOINT_FILES.graph), where(CHECKPOINT_FILES.graph));
  const trainerState = parseState(await read(CHECKPOINT_FILES.state), where(CHECKPOINT_FILES.state));

  const optimizerState = Object.fromEntries(
    [...optimizerFile].map(([name, t]) => [name, tf.tensor(t.data, t.shape, t.dtype === 'I32' ? 'int32' : 'float32')]),
  );
  return { graph, weights: Object.fromEntries(weights), optimizerState, trainerState };
}

/** Undoes the half of a save that a crash between its two renames left done. */
async function recover(target: string, previous: string): Promise<void> {
  if (!(await exists(previous))) return;
  if (await exists(target)) await fs.rm(previous, { recursive: true, force: true });
  else await renameWithRetry(previous, target);
}

async function toSafeTensor(name: string, t: tf.Tensor): Promise<SafeTensor> {
  if (t.dtype === 'float32') return { dtype: 'F32', shape: t.shape.slice(), data: (await t.data()) as Float32Array };
  if (t.dtype === 'int32') return { dtype: 'I32', shape: t.shape.slice(), data: (await t.data()) as Int32Array };
  throw new CheckpointError(`cannot checkpoint "${name}": dtype ${t.dtype} (float32 and int32 only)`);
}

/** Encodes with `/` → `.` keys and the exact names in the metadata. */
function encodeNamed(tensors: [string, SafeTensor][], what: string): Uint8Array {
  const names = new Map<string, string>();
  for (const [name] of tensors) {
    const key = toSafetensorsKey(name);
    const other = names.get(key);
    if (other !== undefined) throw new CheckpointError(`${what} names "${other}" and "${name}" would both be stored as "${key}"`);
    names.set(key, name);
  }
  const byKey = Object.fromEntries(tensors.map(([name, t]) => [toSafetensorsKey(name), t]));
  return encodeSafetensors(byKey, { format: 'tensorloom', [NAMES_METADATA]: JSON.stringify(Object.fromEntries(names)) });
}

/** Decodes, restoring the names from the metadata (see the naming note at the top). */
function decodeNamed(bytes: Uint8Array, path: string): Map<string, SafeTensor> {
  let file;
  try {
    file = decodeSafetensors(bytes, path);
  } catch (err) {
    throw new CheckpointError((err as Error).message);
  }
  const names = new Map<string, unknown>();
  const raw = file.metadata[NAMES_METADATA];
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new CheckpointError(`${path}: metadata ${NAMES_METADATA} is not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CheckpointError(`${path}: metadata ${NAMES_METADATA} is not a JSON object`);
    }
    for (const [k, v] of Object.entries(parsed)) names.set(k, v);
  }
  const out = new Map<string, SafeTensor>();
  for (const [key, t] of Object.entries(file.tensors)) {
    const given = names.get(key);
    const name = typeof given === 'string' ? given : key.replaceAll('.', '/');
    if (out.has(name)) throw new CheckpointError(`${path}: two tensors are named "${name}"`);
    out.set(name, t);
  }
  return out;
}

function parseGraph(bytes: Buffer, path: string): Graph {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new CheckpointError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = GraphSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError(`${path}: not a valid graph (${issue.path.join('.') || 'root'}: ${issue.message})`);
  }
  return parsed.data;
}

function parseState(bytes: Buffer, path: string): CheckpointTrainerState {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new CheckpointError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const doc = json as { format?: unknown; version?: unknown; trainer?: Record<string, unknown> } | null;
  if (doc?.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${path}: not a Tensorloom checkpoint state (format "${CHECKPOINT_FORMAT}" expected)`);
  if (doc.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`${path}: checkpoint version ${String(doc.version)}; this Tensorloom reads version ${CHECKPOINT_VERSION}`);
  }
  const trainer = doc.trainer;
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (typeof trainer !== 'object' || trainer === null || !count(trainer.step) || !count(trainer.epoch)) {
    throw new CheckpointError(`${path}: trainer state needs whole-number "step" and "epoch"`);
  }
  if (trainer.history !== undefined && !Array.isArray(trainer.history)) throw new CheckpointError(`${path}: trainer "history" is not a list`);
  return trainer as CheckpointTrainerState;
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
