import { useState } from 'react';
import { api } from '../api.js';
import { CopyButton, ErrorMessage, Field, NewPasswordFields, PASSWORD_HINT, samePassword, useFormSubmit } from '../components/form.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../session.js';
import type { Me } from '../types.js';

export function SignInPage() {
  const { setMe } = useSession();
  const { onSubmit, error, busy } = useFormSubmit(async (form) => {
    const me = await api<Me>('/v1/auth/signin', { method: 'POST', body: { email: form.get('email'), password: form.get('password') }, quiet401: true });
    setMe(me);
    navigate('/', true);
  });
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <form onSubmit={onSubmit} data-testid="signin-form" noValidate>
        <Field id="signin-email" name="email" label="Email" type="email" autoComplete="email" required />
        <Field id="signin-password" name="password" label="Password" type="password" autoComplete="current-password" required />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted">
        New to Tally? <Link to="/signup">Create an account</Link>
      </p>
      <p className="muted">
        <Link to="/forgot-password" data-testid="forgot-password">
          Forgot your password?
        </Link>
      </p>
    </section>
  );
}

/** Asks for a reset link by mail; where this Tally sends no mail, the server says to ask support. */
export function ForgotPasswordPage() {
  const [sent, setSent] = useState<string | null>(null);
  const { onSubmit, error, busy } = useFormSubmit(async (form) => {
    const answer = await api<{ message: string }>('/v1/auth/password-reset-request', { method: 'POST', body: { email: form.get('email') }, quiet401: true });
    setSent(answer.message);
  });
  return (
    <section className="card narrow">
      <h1>Reset your password</h1>
      {sent ? (
        <p role="status" data-testid="reset-requested">
          Check your inbox: {sent}.
        </p>
      ) : (
        <form onSubmit={onSubmit} data-testid="forgot-form" noValidate>
          <Field id="forgot-email" name="email" label="Email" type="email" autoComplete="email" required hint="The address you sign in with: we mail it a link to choose a new password." />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send me a reset link'}
          </button>
        </form>
      )}
      <p className="muted">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}

/** /reset-password#token=…: the link support sent. The token stays in the fragment (never sent to any server but by this form). */
export function ResetPasswordPage() {
  const { setMe } = useSession();
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('token') ?? '');
  const { onSubmit, error, busy } = useFormSubmit(async (form) => {
    const refusal = samePassword(form);
    if (refusal) return refusal;
    const me = await api<Me>('/v1/auth/password-reset', { method: 'POST', body: { token, password: form.get('password') }, quiet401: true });
    history.replaceState(null, '', '/reset-password'); // the token is spent: keep it out of the history
    setMe(me);
    navigate('/', true);
  });
  const missing = token ? null : 'this page needs the whole link from your reset email: open it again, or ask support for a new one';
  return (
    <section className="card narrow">
      <h1>Choose a new password</h1>
      <form onSubmit={onSubmit} data-testid="reset-form" noValidate>
        <NewPasswordFields idPrefix="reset" note="Every device signed in to your account is signed out." />
        <ErrorMessage error={error ?? missing} />
        <button type="submit" disabled={busy || !token}>
          {busy ? 'Saving…' : 'Set password and sign in'}
        </button>
      </form>
      <p className="muted">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}

export function SignUpPage() {
  const { setMe } = useSession();
  const [created, setCreated] = useState<{ me: Me; apiKey: string } | null>(null);
  const { onSubmit, error, busy } = useFormSubmit(async (form) => {
    const { apiKey, ...me } = await api<Me & { apiKey: string }>('/v1/auth/signup', {
      method: 'POST',
      body: { company: form.get('company'), email: form.get('email'), password: form.get('password') },
      quiet401: true,
    });
    setCreated({ me, apiKey });
  });

  if (created) {
    return (
      <section className="card narrow" data-testid="signup-done">
        <h1>Welcome to Tally</h1>
        <p>
          Your account for <strong>{created.me.tenant.name}</strong> is ready, on the {created.me.tenant.planName} plan.
        </p>
        <h2>Your API key</h2>
        <p>This is the only time it is shown: keep it somewhere safe. You can create and revoke keys later.</p>
        <div className="secret">
          <code data-testid="signup-api-key">{created.apiKey}</code>
          <CopyButton text={created.apiKey} />
        </div>
        <button
          type="button"
          data-testid="signup-continue"
          onClick={() => {
            setMe(created.me);
            navigate('/', true);
          }}
        >
          Continue to your jobs
        </button>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>Create your account</h1>
      <p className="muted">Free plan: upload videos and get counts of the people, vehicles and animals in them.</p>
      <form onSubmit={onSubmit} data-testid="signup-form" noValidate>
        <Field id="signup-company" name="company" label="Organisation" autoComplete="organization" required maxLength={200} />
        <Field id="signup-email" name="email" label="Email" type="email" autoComplete="email" required />
        <Field
          id="signup-password"
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint={PASSWORD_HINT}
        />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="muted">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}
