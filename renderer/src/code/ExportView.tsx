import { useEffect, useRef, useState } from 'react';
import type { ExportResult } from '../../../engine/protocol/messages.js';
import { useApp, useDoc, useTrain, useView } from '../app/context.js';
import { describeFailure } from '../engine/errors.js';
import { modelKey } from '../validation/semanticKey.js';
import { resolveTheme } from '../view/viewStore.js';
import { monaco } from './monacoSetup.js';

export type ExportTarget = 'pytorch' | 'tfjs';

/**
 * Generated code for the graph (read-only), from the engine's `model.export`: with the
 * trained weights when the last run trained this very graph, else the initial ones.
 * Regenerated when the graph changes in a way that matters; positions do not.
 */
export function ExportView({ target }: { target: ExportTarget }) {
  const app = useApp();
  const graph = useDoc((s) => s.graph);
  const runId = useTrain((s) => s.runId);
  const runGraph = useTrain((s) => s.graph);
  const runStatus = useTrain((s) => s.status);
  const theme = useView((s) => s.theme);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const key = modelKey(graph);
  const trained = runId !== null && runGraph !== null && (runStatus === 'done' || runStatus === 'stopped') && modelKey(runGraph) === key;

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      app.engine.client
        .request('model.export', { graph: app.doc.get().graph, target, ...(trained && runId ? { runId } : {}) })
        .then((r) => !cancelled && (setResult(r), setNote(null)))
        .catch((err) => !cancelled && (setResult(null), setNote(describeFailure(err, `Generating ${target === 'pytorch' ? 'PyTorch' : 'TensorFlow.js'} code`))));
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [app, key, target, trained, runId]);

  useEffect(() => {
    if (!host.current) return;
    const e = monaco.editor.create(host.current, {
      value: '',
      language: target === 'pytorch' ? 'python' : 'javascript',
      readOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      lineHeight: 21,
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      wrappingIndent: 'indent',
    });
    editor.current = e;
    return () => {
      e.getModel()?.dispose();
      e.dispose();
      editor.current = null;
    };
  }, [target]);

  useEffect(() => {
    if (result && editor.current && editor.current.getValue() !== result.code) editor.current.setValue(result.code);
  }, [result]);

  useEffect(() => {
    const dark = resolveTheme(theme, window.matchMedia('(prefers-color-scheme: dark)').matches) === 'dark';
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [theme]);

  const save = () => result && saveExportFiles(result.files);
  const names = result?.files.map((f) => f.name.split('/').pop() ?? f.name) ?? [];

  return (
    <div className="export-view" data-testid={`export-${target}`}>
      <div className="export-view__bar">
        <span className="muted">
          {result ? `${result.mainFile} · ${trained ? 'trained weights of the last run' : 'initial weights'}` : note ? '' : 'Generating…'}
        </span>
        <button disabled={!result} onClick={save} data-testid={`export-save-${target}`} title={result ? `Saves ${names.join(', ')}` : undefined}>
          {names.length > 1 ? `Save ${names.length} files as…` : 'Save as…'}
        </button>
      </div>
      {note && <p className="notice export-view__note">{note}</p>}
      <div className="code-view__editor" ref={host} style={{ display: note ? 'none' : 'block' }} />
    </div>
  );
}

/**
 * Saves the generated files through the page's download: the browser saves them (asking
 * where when it is set to), and the desktop app shows its Save dialog for each
 * (electron/main.ts sets the dialog up on the session's will-download). The same code
 * serves both, and no file path ever passes through the page.
 */
export function saveExportFiles(files: ExportResult['files']): void {
  for (const file of files) {
    const bytes = file.base64 !== undefined ? Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)) : new TextEncoder().encode(file.text ?? '');
    const url = URL.createObjectURL(new Blob([bytes]));
    const a = document.createElement('a');
    a.href = url;
    a.download = file.name.split('/').pop() ?? file.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
