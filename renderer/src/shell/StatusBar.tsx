import { useApp, useDoc, useEngineState, useTrain, useValidation, useView } from '../app/context.js';

const COUNT = new Intl.NumberFormat();

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** Connection, backend in use, model size, selection: the facts worth a glance. */
export function StatusBar() {
  const app = useApp();
  const connection = useEngineState((s) => s.connection);
  const detail = useEngineState((s) => s.connectionDetail);
  const info = useEngineState((s) => s.info);
  const notice = useEngineState((s) => s.notice);
  const runBackend = useTrain((s) => s.backend);
  const parameters = useValidation((s) => s.view?.parameters ?? null);
  const memory = useValidation((s) => s.view?.memory ?? null);
  const slow = useValidation((s) => s.slow);
  const selected = useView((s) => s.selectedNodes.size);
  const nodes = useDoc((s) => s.graph.nodes.length);
  // A run names its backend by id ("wasm"); engine.info has the label for it ("WebAssembly (SIMD)").
  const backend = runBackend && (runBackend === info?.backendName || info?.backend?.startsWith(runBackend)) ? info!.backend : (runBackend ?? info?.backend ?? null);
  const skipped = info?.backendSkipped ?? [];
  const backendTitle = skipped.length ? `Not used:\n${skipped.map((s) => `${s.name}: ${s.reason}`).join('\n')}` : 'The TensorFlow.js backend the engine trains with';
  return (
    <footer className="statusbar">
      <span className={`status-dot is-${connection}`} aria-hidden />
      <span data-testid="status-connection" title={detail ?? undefined}>
        {connection === 'open' ? 'Engine connected' : connection === 'connecting' ? 'Connecting to the engine…' : 'Engine disconnected, retrying…'}
      </span>
      <span className="statusbar__sep" />
      <span data-testid="status-backend" title={backendTitle}>
        Backend: <strong>{backend ?? 'chosen when training starts'}</strong>
      </span>
      {parameters !== null && (
        <>
          <span className="statusbar__sep" />
          <span>{COUNT.format(parameters)} parameters</span>
        </>
      )}
      {memory && (
        <>
          <span className="statusbar__sep" />
          <span title={`Estimated training memory; the limit is ${formatBytes(memory.limit)}`}>~{formatBytes(memory.bytes)} to train</span>
        </>
      )}
      {slow && <span className="muted">· checking…</span>}
      {notice && (
        <span className="statusbar__notice" title={notice}>
          {notice}
        </span>
      )}
      <span className="statusbar__spacer" />
      <span className="muted">
        {nodes} nodes{selected ? ` · ${selected} selected` : ''}
      </span>
      {info && <span className="muted">engine {info.version}</span>}
      {app.preload ? <span className="muted">desktop</span> : <span className="muted">browser mode</span>}
    </footer>
  );
}
