import type { InputHTMLAttributes, ReactNode } from 'react';

/** A labelled input with an optional hint, wired for screen readers (aria-describedby). */
export function Field({ label, hint, id, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; id: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

/** The server's message (or ours), announced when it appears. */
export function ErrorMessage({ error, testId = 'form-error' }: { error: string | null | undefined; testId?: string }) {
  return (
    <p className="error" role="alert" data-testid={testId} hidden={!error}>
      {error}
    </p>
  );
}

export function CopyButton({ text, label = 'Copy', small = false }: { text: string; label?: string; small?: boolean }) {
  return (
    <button type="button" className={small ? 'secondary small' : 'secondary'} onClick={() => void navigator.clipboard?.writeText(text).catch(() => undefined)}>
      {label}
    </button>
  );
}
