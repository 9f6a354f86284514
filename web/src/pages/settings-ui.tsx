/** Pieces the settings tabs share: a modal dialog, a confirmation, a secret shown once, a colored word. */
import { cloneElement, useEffect, useId, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { toast } from '../components/toast';

/** A modal <dialog>, open while mounted: Escape closes it, focus returns to where it was. */
export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      // Removed from the page while open: give focus back to the button that opened it.
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog-wide' : undefined}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCloseRef.current();
      }}
    >
      <div className="dialog-body">
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </dialog>
  );
}

/** Asks before something that cannot be undone; shows the failure in place if the action fails. */
export function Confirm({
  title,
  children,
  action,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  action: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose}>
      <div className="dialog-text">{children}</div>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className={`btn ${danger ? 'btn-danger-solid' : 'btn-primary'}`} disabled={busy} onClick={() => void confirm()}>
          {busy ? 'Working…' : action}
        </button>
      </div>
    </Modal>
  );
}

/** Copies `text`; falls back to selecting it where the clipboard API is unavailable (plain-HTTP hubs). */
export async function copy(text: string, input?: HTMLInputElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast('ok', 'Copied to the clipboard');
  } catch {
    input?.select();
    const ok = input ? document.execCommand('copy') : false;
    if (ok) toast('ok', 'Copied to the clipboard');
    else toast('error', 'Could not copy: select the text and copy it by hand.');
  }
}

/** A value to copy now (a token, a link): read-only, selected on focus, with a Copy button. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="copy-field">
      <label>
        {label}
        <input ref={input} readOnly value={value} className="mono" data-testid={testId} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
      </label>
      <button type="button" className="btn" onClick={() => void copy(value, input.current)} aria-label={`Copy ${label.toLowerCase()}`}>
        Copy
      </button>
    </div>
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'crit' | 'info' | 'muted';

/** A colored word, with the same tones as the status badges. */
export function Pill({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A panel with a title, an optional line under it, and actions on the right. */
export function Panel({ title, intro, actions, children, id }: { title: string; intro?: ReactNode; actions?: ReactNode; children: ReactNode; id?: string }) {
  const headingId = useId();
  return (
    <section className="panel settings-panel" aria-labelledby={headingId} id={id}>
      <header className="settings-panel-head">
        <div>
          <h2 id={headingId}>{title}</h2>
          {intro && <p className="settings-intro">{intro}</p>}
        </div>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** A form's failure, announced. */
export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      {error}
    </div>
  );
}

/** The end of a form in a dialog: its failure, Cancel, and the submit button (saying what is happening while busy). */
export function DialogFormActions({ error, onCancel, busy, label, busyLabel }: { error: string | null; onCancel: () => void; busy: boolean; label: string; busyLabel: string }) {
  return (
    <>
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? busyLabel : label}
        </button>
      </div>
    </>
  );
}

/** A labelled control with an optional hint under it, tied to the control by aria-describedby (so the hint is not part of its name). */
export function Field({ label, hint, optional, children }: { label: string; hint?: ReactNode; optional?: boolean; children: ReactElement<{ 'aria-describedby'?: string }> }) {
  const id = useId();
  return (
    <div className="field">
      <label>
        <span>
          {label}
          {optional && <span className="optional"> (optional)</span>}
        </span>
        {hint ? cloneElement(children, { 'aria-describedby': `${id}-hint` }) : children}
      </label>
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
    </div>
  );
}

/** A radio button or checkbox with its label, and a hint under it tied by aria-describedby. */
export function Choice({
  type = 'radio',
  name,
  checked,
  onChange,
  label,
  hint,
}: {
  type?: 'radio' | 'checkbox';
  name?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="choice-item">
      <label className="check">
        <input type={type} name={name} checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
        <span>{label}</span>
      </label>
      {hint && (
        <span id={`${id}-hint`} className="hint choice-hint">
          {hint}
        </span>
      )}
    </div>
  );
}
