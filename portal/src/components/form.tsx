import { useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { ApiError } from '../api.js';

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

/**
 * A form's submit handler with its busy flag and error message. `run` gets the form's data (and element) and
 * resolves to nothing, or to a message for a refusal found before any request; a rejection shows the API's
 * message (ApiError) or `fallback`.
 */
export function useFormSubmit(run: (form: FormData, el: HTMLFormElement) => Promise<string | void>, fallback = 'something went wrong: try again') {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    setBusy(true);
    setError(null);
    run(new FormData(el), el)
      .then(
        (refusal) => setError(refusal || null),
        (err: unknown) => setError(err instanceof ApiError ? err.message : fallback),
      )
      .finally(() => setBusy(false));
  };
  return { onSubmit, error, busy };
}

export const PASSWORD_HINT = 'At least 10 characters, not only digits, and not your email address.';

/** New password and its confirmation (named `name` and `confirm`); `samePassword` checks them before sending. */
export function NewPasswordFields({ idPrefix, name = 'password', note }: { idPrefix: string; name?: string; note: string }) {
  return (
    <>
      <Field id={`${idPrefix}-password`} name={name} label="New password" type="password" autoComplete="new-password" required minLength={10} hint={`${PASSWORD_HINT} ${note}`} />
      <Field id={`${idPrefix}-confirm`} name="confirm" label="New password again" type="password" autoComplete="new-password" required />
    </>
  );
}

/** The refusal when the two new passwords differ, else undefined. */
export function samePassword(form: FormData, name = 'password'): string | undefined {
  return form.get(name) === form.get('confirm') ? undefined : 'the two new passwords differ';
}
