import type { ReactNode } from 'react';

/** A form row of the side panels and dialogs: its label, bound to the control by id, then the control. */
export function LabeledField({ id, label, children }: { id: string; label: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
    </div>
  );
}
