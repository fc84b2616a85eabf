import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ParamValue } from '../../../engine/nodes/params.js';
import { describeBounds, parseParamInput, stepFor, type FieldSpec } from './paramValue.js';
import { createAfterPaint } from './afterPaint.js';

export interface ParamFieldProps {
  name: string;
  spec: FieldSpec;
  /** The value in the document, or undefined when the default applies. */
  value: ParamValue | undefined;
  onChange(value: ParamValue | undefined): void;
  /** The field lost focus: the edits typed into it end one undo step. */
  onCommit?(): void;
  /** A problem the engine reported for this parameter. */
  problem?: string;
  testId?: string;
}

/**
 * One generated form field: the kind decides the control, the spec gives bounds,
 * default and documentation. Valid input applies as typed (shapes re-infer live), right
 * after the keystroke is painted; invalid input stays in the field with the reason, and
 * is not applied.
 */
export function ParamField({ name, spec, value, onChange, onCommit, problem, testId }: ParamFieldProps) {
  const id = useId();
  const current = value ?? spec.default;
  const [text, setText] = useState(String(current));
  const [error, setError] = useState<string | null>(null);
  const focused = useRef(false);
  // The field shows a keystroke at once; the document edit follows after the paint.
  const later = useMemo(() => createAfterPaint(), []);
  useEffect(() => () => later.flush(), [later]);

  // Undo, the code view or another field may change the value: follow it unless typing here.
  useEffect(() => {
    if (!focused.current) {
      setText(String(current));
      setError(null);
    }
  }, [current]);

  const isSet = value !== undefined;
  const bounds = describeBounds(spec);
  // Compact layouts hide the doc line; the control still tells it on hover.
  const hint = bounds ? `${spec.doc} (${bounds}, default ${String(spec.default)})` : `${spec.doc} (default ${String(spec.default)})`;

  const apply = (raw: string) => {
    setText(raw);
    const parsed = parseParamInput(spec, raw);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(null);
    later.schedule(() => onChange(parsed.value));
  };

  let control;
  if (spec.kind === 'boolean') {
    control = (
      <label className="switch">
        <input id={id} type="checkbox" title={hint} checked={current === true} data-testid={testId} onChange={(e) => (onChange(e.target.checked), onCommit?.())} />
        <span>{current ? 'on' : 'off'}</span>
      </label>
    );
  } else if (spec.kind === 'enum') {
    control = (
      <select id={id} title={hint} value={String(current)} data-testid={testId} onChange={(e) => (onChange(e.target.value), onCommit?.())}>
        {spec.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={id}
        type="text"
        inputMode={spec.kind === 'string' ? 'text' : 'decimal'}
        value={text}
        title={hint}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        spellCheck={false}
        onFocus={() => (focused.current = true)}
        onBlur={() => {
          focused.current = false;
          later.flush();
          if (error) {
            setText(String(current));
            setError(null);
          }
          onCommit?.();
        }}
        onChange={(e) => apply(e.target.value)}
        onKeyDown={(e) => {
          const step = stepFor(spec);
          // Steps from what the field shows: the document may be an edit behind.
          const typed = parseParamInput(spec, text);
          const base = 'error' in typed || typeof typed.value !== 'number' ? current : typed.value;
          if (step && (e.key === 'ArrowUp' || e.key === 'ArrowDown') && typeof base === 'number') {
            e.preventDefault();
            const next = +(base + (e.key === 'ArrowUp' ? step : -step) * (e.shiftKey ? 10 : 1)).toFixed(6);
            apply(String(next));
          }
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
    );
  }

  return (
    <div className={`field${error || problem ? ' has-error' : ''}`}>
      <div className="field__label-row">
        <label htmlFor={id} className="field__label">
          {name}
        </label>
        {bounds && <span className="field__bounds">{bounds}</span>}
        {isSet && String(value) !== String(spec.default) && (
          <button className="field__reset" title={`Back to the default (${String(spec.default)})`} onClick={() => (onChange(undefined), onCommit?.())}>
            reset
          </button>
        )}
      </div>
      {control}
      {(error || problem) && <div className="field__error">{error ?? problem}</div>}
      <div className="field__doc">
        {spec.doc}
        {!isSet || String(value) === String(spec.default) ? <span className="field__default"> · default</span> : <span className="field__default"> · default {String(spec.default)}</span>}
      </div>
    </div>
  );
}
