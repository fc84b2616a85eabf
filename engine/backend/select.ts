import { createRequire } from 'node:module';
import path from 'node:path';
import { tf } from '../tf.js';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

/**
 * Best first: native TensorFlow with CUDA, native TensorFlow on the CPU, our own native
 * addon over BLAS (native/, built at install where OpenBLAS and a compiler exist), WASM
 * (SIMD), plain JS.
 */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu'];

export interface BackendReport {
  /** The backend in use. */
  name: BackendName;
  /** What the user sees in the status bar and the CLI prints. */
  label: string;
  /** Better backends that were tried and why they were skipped. */
  skipped: { name: BackendName; reason: string }[];
}

const LABELS: Record<BackendName, string> = {
  'tensorflow-gpu': 'TensorFlow native (GPU, CUDA)',
  tensorflow: 'TensorFlow native (CPU)',
  native: 'native (C++ and BLAS)',
  wasm: 'WebAssembly (SIMD)',
  cpu: 'plain JavaScript (CPU)',
};

const require = createRequire(import.meta.url);
let current: BackendReport | null = null;

/**
 * Picks the best backend that loads here, or the one asked for, and says why each
 * better one was skipped. tfjs-node(-gpu) are optional dependencies: where their
 * native library could not be installed, importing them fails and we fall back; the
 * same holds for our native addon where it was not built. Without an explicit request,
 * the environment variable TENSORLOOM_BACKEND (a backend name) is the request.
 */
export async function initBackend(requested?: BackendName): Promise<BackendReport> {
  requested ??= backendFromEnvironment();
  if (current && (!requested || current.name === requested)) return current;
  const candidates = requested ? [requested] : BACKEND_ORDER;
  const skipped: BackendReport['skipped'] = [];
  for (const name of candidates) {
    try {
      await activate(name);
      current = { name, label: LABELS[name], skipped };
      return current;
    } catch (err) {
      skipped.push({ name, reason: explain(name, err) });
    }
  }
  if (requested) {
    throw new Error(`backend "${requested}" is not available here: ${skipped[0]?.reason}`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

export function currentBackend(): BackendReport | null {
  return current;
}

async function activate(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      await import('@tensorflow/tfjs-node-gpu' as string);
      break;
    case 'tensorflow':
      await import('@tensorflow/tfjs-node' as string);
      break;
    case 'native': {
      const { registerNativeBackend } = await import('./native/backend.js');
      registerNativeBackend();
      break;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the .wasm files are read from the package folder, not fetched.
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(`${path.join(dir, 'dist')}${path.sep}`);
      break;
    }
    case 'cpu':
      break;
  }
  const backendName = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  if (!(await tf.setBackend(backendName))) throw new Error(`tf.setBackend('${backendName}') failed`);
  await tf.ready();
  if (name === 'tensorflow-gpu' && !hasCuda()) throw new Error('no CUDA device was found');
}

function hasCuda(): boolean {
  // tfjs-node-gpu runs on the CPU when CUDA is missing; only say GPU when there is one.
  return process.env.CUDA_VISIBLE_DEVICES !== '' && (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice !== false;
}

function explain(name: BackendName, err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
    return name === 'tensorflow-gpu'
      ? '@tensorflow/tfjs-node-gpu is not installed (it needs CUDA and a libtensorflow download at install time)'
      : '@tensorflow/tfjs-node is not installed (its libtensorflow download was not reachable at install time)';
  }
  return (e.message ?? String(err)).split('\n')[0];
}

export function parseBackendName(value: string): BackendName | null {
  const aliases: Record<string, BackendName> = {
    gpu: 'tensorflow-gpu', node: 'tensorflow', 'tensorflow-gpu': 'tensorflow-gpu', tensorflow: 'tensorflow',
    native: 'native', blas: 'native', wasm: 'wasm', cpu: 'cpu',
  };
  return aliases[value] ?? null;
}

/** TENSORLOOM_BACKEND, when set; an unknown name is an error rather than a silent default. */
function backendFromEnvironment(): BackendName | undefined {
  const value = process.env.TENSORLOOM_BACKEND;
  if (!value) return undefined;
  const name = parseBackendName(value);
  if (!name) throw new Error(`TENSORLOOM_BACKEND="${value}" is not a backend (use tensorflow-gpu, tensorflow, native, wasm or cpu)`);
  return name;
}
