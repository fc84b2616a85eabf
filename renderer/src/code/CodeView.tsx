import { useEffect, useRef, useState } from 'react';
import { useApp, useEngineState, useValidation, useView } from '../app/context.js';
import { graphToText } from '../doc/newGraph.js';
import { parseGraphText } from '../files/fileCommands.js';
import { resolveTheme } from '../view/viewStore.js';
import { graphJsonSchema } from './graphJsonSchema.js';
import { monaco } from './monacoSetup.js';
import { problemMarkers } from './problemMarkers.js';
import { ExportView, type ExportTarget } from './ExportView.js';

const MODEL_URI = 'inmemory://tensorloom/graph.loom.json';
const SCHEMA_URI = 'tensorloom://schemas/graph.json';

/**
 * The graph as JSON, two-way: canvas edits rewrite only the changed span of the text
 * (the cursor stays put), and valid text edits go back to the document as one undo step
 * per burst of typing. Invalid text is left for the user to fix; the canvas keeps the
 * last valid graph meanwhile.
 */
export default function CodeView() {
  const app = useApp();
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [status, setStatus] = useState<{ tone: 'ok' | 'error'; text: string }>({ tone: 'ok', text: 'In sync with the canvas' });
  const [tab, setTab] = useState<'json' | ExportTarget>('json');
  const kinds = useEngineState((s) => s.kinds);
  const datasets = useEngineState((s) => s.datasets);
  const problems = useValidation((s) => s.view?.problems);
  const themeChoice = useView((s) => s.theme);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const uri = monaco.Uri.parse(MODEL_URI);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(graphToText(app.doc.get().graph), 'json', uri);
    const editor = monaco.editor.create(el, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      lineHeight: 21,
      tabSize: 2,
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
      // Long descriptions wrap; identifiers like "tensorloom.graph" do not break at the dot.
      wordWrap: 'on',
      wrappingIndent: 'indent',
      wordWrapBreakAfterCharacters: ' \t})]?|&,;',
      renderLineHighlight: 'line',
      folding: true,
      stickyScroll: { enabled: false },
    });
    editorRef.current = editor;
    let applying = false;
    let typingTimer: ReturnType<typeof setTimeout> | null = null;
    let syncTimer: ReturnType<typeof setTimeout> | null = null;

    const syncFromDoc = () => {
      syncTimer = null;
      const text = graphToText(app.doc.get().graph);
      const current = model.getValue();
      if (text === current) return;
      // Replace only the span that differs, so the cursor and scroll stay where they are.
      let start = 0;
      while (start < text.length && start < current.length && text[start] === current[start]) start++;
      let endOld = current.length;
      let endNew = text.length;
      while (endOld > start && endNew > start && current[endOld - 1] === text[endNew - 1]) endOld--, endNew--;
      const from = model.getPositionAt(start);
      const to = model.getPositionAt(endOld);
      applying = true;
      model.pushEditOperations([], [{ range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text: text.slice(start, endNew) }], () => null);
      applying = false;
      setStatus({ tone: 'ok', text: 'In sync with the canvas' });
    };

    const unsubscribe = app.doc.store.subscribe((s, prev) => {
      if (s.graph === prev.graph || s.lastSource === 'json') return;
      // Dragging a node changes positions every frame; the text follows a few times a second.
      if (!syncTimer) syncTimer = setTimeout(syncFromDoc, s.lastSource === 'canvas' ? 120 : 0);
    });

    const contentListener = model.onDidChangeContent(() => {
      if (applying) return;
      if (typingTimer) clearTimeout(typingTimer);
      typingTimer = setTimeout(() => {
        const parsed = parseGraphText(model.getValue());
        if ('error' in parsed) {
          setStatus({ tone: 'error', text: `Not applied: ${parsed.error}. The canvas shows the last valid graph.` });
          return;
        }
        app.doc.replace('Edit JSON', parsed.graph, { source: 'json', mergeKey: 'json' });
        setStatus({ tone: 'ok', text: 'Applied to the canvas' });
      }, 300);
    });
    const blurListener = editor.onDidBlurEditorText(() => app.doc.seal());

    return () => {
      unsubscribe();
      contentListener.dispose();
      blurListener.dispose();
      if (typingTimer) clearTimeout(typingTimer);
      if (syncTimer) clearTimeout(syncTimer);
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
  }, [app]);

  useEffect(() => {
    monaco.json.jsonDefaults.setDiagnosticsOptions({
      validate: true,
      allowComments: false,
      enableSchemaRequest: false,
      schemas: [{ uri: SCHEMA_URI, fileMatch: [MODEL_URI], schema: graphJsonSchema(kinds, datasets) }],
    });
  }, [kinds, datasets]);

  useEffect(() => {
    const apply = () => {
      const dark = resolveTheme(themeChoice, window.matchMedia('(prefers-color-scheme: dark)').matches) === 'dark';
      monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
    };
    apply();
  }, [themeChoice]);

  // The engine's problems (unknown kinds, bad params, shapes) as squiggles in the text.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const markers = problemMarkers(model.getValue(), problems ?? [], app.doc.get().graph).map((m) => ({
      ...m,
      severity: m.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      source: 'Tensorloom',
    }));
    monaco.editor.setModelMarkers(model, 'tensorloom', markers);
  }, [problems, app]);

  return (
    <div className="code-view" data-testid="code-view">
      <div className="code-view__tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'json'} className={tab === 'json' ? 'is-active' : ''} onClick={() => setTab('json')}>
          graph.loom.json
        </button>
        <button role="tab" aria-selected={tab === 'pytorch'} className={tab === 'pytorch' ? 'is-active' : ''} data-testid="tab-pytorch" onClick={() => setTab('pytorch')}>
          PyTorch
        </button>
        <button role="tab" aria-selected={tab === 'tfjs'} className={tab === 'tfjs' ? 'is-active' : ''} data-testid="tab-tfjs" onClick={() => setTab('tfjs')}>
          TF.js
        </button>
        <button className="code-view__close" title="Hide the code view (Ctrl+E)" onClick={() => app.view.setState({ showCode: false })}>
          ×
        </button>
      </div>
      <div className="code-view__editor" ref={host} style={{ display: tab === 'json' ? 'block' : 'none' }} />
      {tab !== 'json' && <ExportView key={tab} target={tab} />}
      {tab === 'json' && <div className={`code-view__status is-${status.tone}`}>{status.text}</div>}
    </div>
  );
}
