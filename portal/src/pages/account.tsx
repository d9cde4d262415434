import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorMessage, Field } from '../components/form.js';
import { useMe } from '../session.js';

/** The signed-in person's account: who they are, and a password change (which signs out their other devices). */
export function AccountPage() {
  const me = useMe();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const form = new FormData(el);
    setDone(false);
    if (form.get('newPassword') !== form.get('confirm')) {
      setError('the two new passwords differ');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('/v1/auth/password', { method: 'POST', body: { currentPassword: form.get('currentPassword'), newPassword: form.get('newPassword') }, quiet401: true });
      el.reset();
      setDone(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'could not change the password: try again');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Account</h1>
      <section className="card" aria-labelledby="who-title">
        <h2 id="who-title">You</h2>
        <dl className="facts">
          <dt>Email</dt>
          <dd data-testid="account-email">{me.user.email}</dd>
          <dt>Organisation</dt>
          <dd>{me.tenant.name}</dd>
          <dt>Plan</dt>
          <dd>{me.tenant.planName}</dd>
        </dl>
      </section>
      <section className="card narrow" aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <form onSubmit={(e) => void submit(e)} data-testid="password-form" noValidate>
          <Field id="current-password" name="currentPassword" label="Current password" type="password" autoComplete="current-password" required />
          <Field
            id="new-password"
            name="newPassword"
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            hint="At least 10 characters, not only digits, and not your email address. Your other devices are signed out."
          />
          <Field id="confirm-password" name="confirm" label="New password again" type="password" autoComplete="new-password" required />
          <ErrorMessage error={error} />
          <p className="muted" role="status" data-testid="password-changed" hidden={!done}>
            Password changed. Other devices signed in to your account are signed out.
          </p>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </form>
      </section>
    </>
  );
}
