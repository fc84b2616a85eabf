import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { DatasetRef } from '../../../engine/graph/schema.js';
import { useApp, useDoc } from '../app/context.js';
import { describeFailure } from '../engine/errors.js';
import { toast } from '../view/viewStore.js';
import { dataName, defaultRole, featureCount, guessLabel, guessTask, initialRoles, inspectCsv, oneHotAllowed, rolesProblem, type ColumnRole, type CsvInspection } from './csvInspect.js';
import { groupImageFolder, type ImageFolder } from './imageFolder.js';
import { starterNetwork } from './starterNetwork.js';
import { uploadCsv, uploadImages, type UploadProgress } from './upload.js';
import './import.css';
import { LabeledField } from '../shell/LabeledField.js';

type Tab = 'csv' | 'images';
type Task = 'classification' | 'regression';
const SIZES = [16, 28, 32, 48, 64, 96, 128];
/** The engine's limit for a decoded image dataset (engine/graph/memory.ts DEFAULT_MEMORY_LIMIT). */
const MEMORY_LIMIT = 8 * 1024 ** 3;

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/**
 * File ▸ Import data…: brings a CSV table or a folder of pictures into the workspace's
 * data/ folder (the browser has no paths the engine could read), then points the graph's
 * dataset at it in one undoable edit, with a starter network when the canvas is empty.
 */
export function ImportDialog({ initialTab = 'csv' }: { initialTab?: Tab }) {
  const app = useApp();
  const [tab, setTab] = useState<Tab>(initialTab);
  return (
    <div className="dialog dialog--wide import-dialog" role="dialog" aria-label="Import data" data-testid="import-dialog">
      <header className="dialog__header">
        <h2>Import data</h2>
        <button className="icon-button" aria-label="Close" onClick={() => app.view.setState({ modal: null })}>
          ×
        </button>
      </header>
      <div className="tabs import-dialog__tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'csv'} className={tab === 'csv' ? 'is-active' : ''} data-testid="import-tab-csv" onClick={() => setTab('csv')}>
          CSV table
        </button>
        <button role="tab" aria-selected={tab === 'images'} className={tab === 'images' ? 'is-active' : ''} data-testid="import-tab-images" onClick={() => setTab('images')}>
          Image folder
        </button>
      </div>
      {tab === 'csv' ? <CsvTab /> : <ImagesTab />}
    </div>
  );
}

/** Applies an import to the document: one undoable step, dataset and (optionally) a starter network. */
function useApplyImport() {
  const app = useApp();
  const empty = useDoc((s) => s.graph.nodes.length === 0);
  return {
    empty,
    apply(label: string, dataset: DatasetRef, starter: Parameters<typeof starterNetwork>[0] | null) {
      app.doc.change(label, (g) => {
        g.dataset = dataset;
        if (starter && g.nodes.length === 0) {
          const net = starterNetwork(starter);
          g.nodes = net.nodes;
          g.edges = net.edges;
        }
      });
      app.view.setState({ modal: null, rightTab: 'train' });
    },
  };
}

function SplitField({ value, onChange }: { value: number; onChange: (v: number) => void }) {
  return (
    <LabeledField id="import-split" label="test split">
      <div className="import-split">
        <input id="import-split" type="range" min={5} max={50} step={5} value={value} data-testid="import-split" onChange={(e) => onChange(Number(e.target.value))} />
        <span className="import-split__value" data-testid="import-split-value">
          {value}%
        </span>
      </div>
      <div className="field__doc">Share of the examples held out to measure accuracy; the rest trains.</div>
    </LabeledField>
  );
}

function NameField({ value, onChange, suffix }: { value: string; onChange: (v: string) => void; suffix: string }) {
  return (
    <LabeledField id="import-name" label="saved as">
      <div className="import-name">
        <span className="muted">data/</span>
        <input id="import-name" type="text" value={value} spellCheck={false} data-testid="import-name" onChange={(e) => onChange(e.target.value)} />
        <span className="muted">{suffix}</span>
      </div>
    </LabeledField>
  );
}

function Footer({ problem, busy, progress, onImport, children }: { problem: string | null; busy: boolean; progress: string | null; onImport: () => void; children?: ReactNode }) {
  const app = useApp();
  return (
    <footer className="import-dialog__footer">
      <div className="import-dialog__status">
        {children}
        {problem && (
          <p className="notice notice--error" data-testid="import-problem">
            {problem}
          </p>
        )}
        {progress && <p className="muted" data-testid="import-progress">{progress}</p>}
      </div>
      <div className="button-row button-row--end">
        <button onClick={() => app.view.setState({ modal: null })}>Cancel</button>
        <button className="primary" disabled={!!problem || busy} onClick={onImport} data-testid="import-submit">
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
    </footer>
  );
}

function StarterCheck({ empty, checked, onChange }: { empty: boolean; checked: boolean; onChange: (v: boolean) => void }) {
  if (!empty) return null;
  return (
    <label className="switch import-starter">
      <input type="checkbox" checked={checked} data-testid="import-starter" onChange={(e) => onChange(e.target.checked)} />
      <span>Add a starter network to the empty canvas</span>
    </label>
  );
}

const NAME_OK = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const nameProblem = (name: string) => (NAME_OK.test(name) ? null : 'The name may hold letters, digits and _ . - (starting with a letter or digit), 80 at most.');

function CsvTab() {
  const app = useApp();
  const { empty, apply } = useApplyImport();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [csv, setCsv] = useState<CsvInspection | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [roles, setRoles] = useState<ColumnRole[]>([]);
  const [task, setTask] = useState<Task>('classification');
  const [split, setSplit] = useState(20);
  const [name, setName] = useState('');
  const [starter, setStarter] = useState(true);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);

  const choose = async (picked: File | undefined) => {
    if (!picked) return;
    setError(null);
    setCsv(null);
    let text: string;
    try {
      text = await picked.text();
    } catch (err) {
      setError(`Could not read ${picked.name}: ${(err as Error).message}`);
      return;
    }
    setFile({ name: picked.name, text });
    setName(dataName(picked.name));
    const result = inspectCsv(text);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    const label = guessLabel(result.csv.columns);
    setCsv(result.csv);
    setRoles(initialRoles(result.csv.columns, label));
    setTask(guessTask(result.csv.columns[label]));
  };

  const labelIndex = roles.indexOf('label');
  const setLabel = (index: number) => {
    if (!csv) return;
    setRoles((r) => r.map((role, i) => (i === index ? 'label' : role === 'label' ? defaultRole(csv.columns[i]) : role)));
    setTask(guessTask(csv.columns[index]));
  };
  const setRole = (index: number, role: ColumnRole) => {
    if (role === 'label') setLabel(index);
    else setRoles((r) => r.map((old, i) => (i === index ? role : old)));
  };

  const problem = error ?? (csv ? rolesProblem(csv.columns, roles, task) ?? nameProblem(name) : 'Choose a CSV file.');
  const classes = csv && labelIndex >= 0 ? csv.columns[labelIndex].distinct : 0;
  const features = csv ? featureCount(csv.columns, roles) : { total: 0, oneHot: 0, oneHotColumns: [] };

  const submit = async () => {
    if (!csv || !file || problem) return;
    setBusy(true);
    setProgress('Copying the file into the workspace…');
    try {
      const landed = await uploadCsv(app.engine.client, name, file.text, (p: UploadProgress) => setProgress(`Copying… ${Math.round((100 * p.done) / p.total)}%`));
      const ignore = csv.columns.filter((_, i) => roles[i] === 'ignore').map((c) => c.name);
      const categorical = csv.columns.filter((_, i) => roles[i] === 'onehot').map((c) => c.name);
      const dataset: DatasetRef = {
        name: 'csv',
        params: {
          path: landed.path,
          label: csv.columns[labelIndex].name,
          ...(ignore.length ? { ignore: ignore.join(',') } : {}),
          ...(categorical.length ? { categorical: categorical.join(',') } : {}),
          ...(csv.delimiter !== ',' ? { delimiter: csv.delimiter } : {}),
          task,
        },
        testFraction: split / 100,
      };
      apply(`Import ${landed.path}`, dataset, starter ? { images: false, task, classes } : null);
      toast(app.view, `Imported ${csv.rowCount.toLocaleString()} rows into ${landed.path}${landed.replaced ? ' (replaced the earlier import)' : ''}.`);
    } catch (err) {
      setBusy(false);
      setProgress(null);
      setError(describeFailure(err, 'The import'));
    }
  };

  return (
    <>
      <div className="import-dialog__body">
        <div className="import-pick">
          <label className="import-pick__button">
            <input type="file" accept=".csv,.tsv,.txt,text/csv" data-testid="import-csv-file" onChange={(e) => void choose(e.target.files?.[0])} />
            <span>{file ? 'Choose another file…' : 'Choose a CSV file…'}</span>
          </label>
          {file && (
            <span className="import-pick__name" data-testid="import-csv-summary">
              {file.name}
              {csv && (
                <span className="muted">
                  {' '}
                  · {csv.rowCount.toLocaleString()} rows · {csv.columns.length} columns
                </span>
              )}
            </span>
          )}
          {!file && <span className="muted">The first line names the columns. The file is copied into the workspace’s data folder.</span>}
        </div>
        {csv && (
          <>
            <div className="import-table" data-testid="import-preview">
              <table className="data-table">
                <thead>
                  <tr>
                    {csv.columns.map((c) => (
                      <th key={c.name} className={`import-col import-col--${roles[csv.columns.indexOf(c)]}`}>
                        <div className="import-col__name">{c.name}</div>
                        <div className={`import-type import-type--${c.type}`} data-testid={`import-type-${c.name}`} title={c.type === 'category' ? `${c.distinct} distinct values` : undefined}>
                          {c.type}
                          {c.missing > 0 && <span className="import-type__missing"> · {c.missing} missing</span>}
                        </div>
                        <select aria-label={`Role of ${c.name}`} value={roles[csv.columns.indexOf(c)]} data-testid={`import-role-${c.name}`} onChange={(e) => setRole(csv.columns.indexOf(c), e.target.value as ColumnRole)}>
                          <option value="feature">feature</option>
                          {(oneHotAllowed(c) || roles[csv.columns.indexOf(c)] === 'onehot') && <option value="onehot">feature (one-hot)</option>}
                          <option value="ignore">ignore</option>
                          <option value="label">label</option>
                        </select>
                        {roles[csv.columns.indexOf(c)] === 'onehot' && (
                          <div className="import-col__onehot muted" data-testid={`import-onehot-${c.name}`}>
                            {c.distinct} feature{c.distinct === 1 ? '' : 's'}, one per value
                          </div>
                        )}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {csv.head.map((row, r) => (
                    <tr key={r}>
                      {row.map((cell, c) => (
                        <td key={c} className={`import-col--${roles[c]}`}>
                          {cell}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="import-options">
              <LabeledField id="import-label" label="label column">
                <select id="import-label" value={labelIndex} data-testid="import-label" onChange={(e) => setLabel(Number(e.target.value))}>
                  {labelIndex < 0 && <option value={-1}>(choose)</option>}
                  {csv.columns.map((c, i) => (
                    <option key={c.name} value={i}>
                      {c.name}
                    </option>
                  ))}
                </select>
                <div className="field__doc" data-testid="import-shape">
                  {labelIndex >= 0 && task === 'classification' ? `${classes} class${classes === 1 ? '' : 'es'} · ` : ''}
                  {features.total} feature{features.total === 1 ? '' : 's'}
                  {features.oneHot > 0 ? `, ${features.oneHot} of them one-hot from ${features.oneHotColumns.join(', ')}` : ''}
                </div>
              </LabeledField>
              <LabeledField id="import-task" label="task">
                <select id="import-task" value={task} data-testid="import-task" onChange={(e) => setTask(e.target.value as Task)}>
                  <option value="classification">classification</option>
                  <option value="regression">regression</option>
                </select>
                <div className="field__doc">{task === 'classification' ? 'Predict a class' : 'Predict a number'}</div>
              </LabeledField>
              <SplitField value={split} onChange={setSplit} />
              <NameField value={name} onChange={setName} suffix=".csv" />
            </div>
          </>
        )}
      </div>
      <Footer problem={problem} busy={busy} progress={progress} onImport={() => void submit()}>
        {csv && <StarterCheck empty={empty} checked={starter} onChange={setStarter} />}
      </Footer>
    </>
  );
}

function ImagesTab() {
  const app = useApp();
  const { empty, apply } = useApplyImport();
  const [folder, setFolder] = useState<ImageFolder<File> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [size, setSize] = useState(32);
  const [color, setColor] = useState<'rgb' | 'grayscale'>('rgb');
  const [split, setSplit] = useState(20);
  const [name, setName] = useState('');
  const [starter, setStarter] = useState(true);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // React has no prop for folder picking: set the attributes on the element.
    input.current?.setAttribute('webkitdirectory', '');
    input.current?.setAttribute('directory', '');
  }, []);

  const choose = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setError(null);
    const result = groupImageFolder(Array.from(files));
    if (!result.ok) {
      setFolder(null);
      setError(result.message);
      return;
    }
    setFolder(result.folder);
    setName(dataName(result.folder.root || 'images'));
  };

  const channels = color === 'grayscale' ? 1 : 3;
  const memory = folder ? folder.count * size * size * channels * 4 : 0;
  const problem =
    error ??
    (!folder
      ? 'Choose a folder with one sub-folder of pictures per class.'
      : memory > MEMORY_LIMIT
        ? `${folder.count} pictures of ${size}×${size}×${channels} need ${formatBytes(memory)}, over the engine's limit of ${formatBytes(MEMORY_LIMIT)}: choose a smaller size or grayscale.`
        : nameProblem(name));

  const submit = async () => {
    if (!folder || problem) return;
    setBusy(true);
    setProgress(`Copying ${folder.count} pictures into the workspace…`);
    try {
      const landed = await uploadImages(app.engine.client, name, folder, (p) => setProgress(`Copying pictures… ${p.done} of ${p.total}`));
      const dataset: DatasetRef = { name: 'images', params: { path: landed.path, size, color }, testFraction: split / 100 };
      apply(`Import ${landed.path}`, dataset, starter ? { images: true, task: 'classification', classes: folder.classes.length } : null);
      toast(app.view, `Imported ${folder.count.toLocaleString()} pictures of ${folder.classes.length} classes into ${landed.path}.`);
    } catch (err) {
      setBusy(false);
      setProgress(null);
      setError(describeFailure(err, 'The import'));
    }
  };

  return (
    <>
      <div className="import-dialog__body">
        <div className="import-pick">
          <label className="import-pick__button">
            <input ref={input} type="file" multiple data-testid="import-image-folder" onChange={(e) => choose(e.target.files)} />
            <span>{folder ? 'Choose another folder…' : 'Choose a folder…'}</span>
          </label>
          {folder ? (
            <span className="import-pick__name" data-testid="import-images-summary">
              {folder.root}
              <span className="muted">
                {' '}
                · {folder.count.toLocaleString()} pictures · {folder.classes.length} classes · {formatBytes(folder.bytes)}
              </span>
            </span>
          ) : (
            <span className="muted">Each sub-folder is a class; PNG and JPEG pictures inside it are its examples.</span>
          )}
        </div>
        {folder && folder.skipped.length > 0 && (
          <p className="notice" data-testid="import-skipped">
            {folder.skipped.length} file{folder.skipped.length > 1 ? 's are' : ' is'} not a picture in a class folder and will be left out: {folder.skipped.slice(0, 3).join(', ')}
            {folder.skipped.length > 3 ? ', …' : ''}
          </p>
        )}
        {folder && (
          <>
            <ul className="import-classes" data-testid="import-classes">
              {folder.classes.map((c) => (
                <ClassRow key={c.name} name={c.name} files={c.files} />
              ))}
            </ul>
            <div className="import-options">
              <LabeledField id="import-size" label="size">
                <select id="import-size" value={size} data-testid="import-size" onChange={(e) => setSize(Number(e.target.value))}>
                  {SIZES.map((s) => (
                    <option key={s} value={s}>
                      {s}×{s}
                    </option>
                  ))}
                </select>
                <div className="field__doc">
                  Pictures are resized to a square · {formatBytes(memory)} in memory
                </div>
              </LabeledField>
              <LabeledField id="import-color" label="color">
                <select id="import-color" value={color} data-testid="import-color" onChange={(e) => setColor(e.target.value as 'rgb' | 'grayscale')}>
                  <option value="rgb">RGB (3 channels)</option>
                  <option value="grayscale">grayscale (1 channel)</option>
                </select>
                <div className="field__doc">
                  x is [B, {size}, {size}, {channels}]
                </div>
              </LabeledField>
              <SplitField value={split} onChange={setSplit} />
              <NameField value={name} onChange={setName} suffix="/" />
            </div>
          </>
        )}
      </div>
      <Footer problem={problem} busy={busy} progress={progress} onImport={() => void submit()}>
        {folder && <StarterCheck empty={empty} checked={starter} onChange={setStarter} />}
      </Footer>
    </>
  );
}

/** One class: its name, how many pictures, and the first few as thumbnails. */
function ClassRow({ name, files }: { name: string; files: File[] }) {
  const [urls, setUrls] = useState<string[]>([]);
  // Made and revoked by the same effect, so a re-run (StrictMode) never shows revoked URLs.
  useEffect(() => {
    const made = files.slice(0, 6).map((f) => URL.createObjectURL(f));
    setUrls(made);
    return () => made.forEach((u) => URL.revokeObjectURL(u));
  }, [files]);
  return (
    <li className="import-class" data-testid={`import-class-${name}`} data-count={files.length}>
      <span className="import-class__name">{name}</span>
      <span className="muted import-class__count">
        {files.length.toLocaleString()} picture{files.length === 1 ? '' : 's'}
      </span>
      <span className="import-class__thumbs">
        {urls.map((u, i) => (
          <img key={u} src={u} alt={`${name} ${i + 1}`} />
        ))}
      </span>
    </li>
  );
}
