import { useState } from 'react';
import { api } from '../api.js';
import { ErrorMessage, Field, NewPasswordFields, samePassword, useFormSubmit } from '../components/form.js';
import { useMe } from '../session.js';

/** The signed-in person's account: who they are, and a password change (which signs out their other devices). */
export function AccountPage() {
  const me = useMe();
  const [done, setDone] = useState(false);
  const { onSubmit, error, busy } = useFormSubmit(async (form, el) => {
    setDone(false);
    const refusal = samePassword(form, 'newPassword');
    if (refusal) return refusal;
    await api('/v1/auth/password', { method: 'POST', body: { currentPassword: form.get('currentPassword'), newPassword: form.get('newPassword') }, quiet401: true });
    el.reset();
    setDone(true);
  }, 'could not change the password: try again');
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
        <form onSubmit={onSubmit} data-testid="password-form" noValidate>
          <Field id="current-password" name="currentPassword" label="Current password" type="password" autoComplete="current-password" required />
          <NewPasswordFields idPrefix="new" name="newPassword" note="Your other devices are signed out." />
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
