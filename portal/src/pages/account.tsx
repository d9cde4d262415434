import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { CopyButton, ErrorMessage, Field, NewPasswordFields, samePassword, useFormSubmit } from '../components/form.js';
import { formatDate } from '../format.js';
import { useMe } from '../session.js';

interface Member {
  id: string;
  email: string;
  createdAt: string;
  pending: boolean;
}

interface Invitation {
  member: Member;
  mailed: boolean;
  link?: string;
  expiresAt: string;
}

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
      <TeamSection />
    </>
  );
}

/** Everyone who signs in to this organisation's jobs: invite by email, remove (not yourself). */
function TeamSection() {
  const me = useMe();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invited, setInvited] = useState<Invitation | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const load = useCallback(async () => setMembers((await api<{ members: Member[] }>('/v1/team')).members), []);
  useEffect(() => {
    load().catch(() => setRowError('could not load the team'));
  }, [load]);
  const { onSubmit, error, busy } = useFormSubmit(async (form, el) => {
    setInvited(null);
    setInvited(await api<Invitation>('/v1/team/members', { method: 'POST', body: { email: form.get('email') } }));
    el.reset();
    await load();
  }, 'could not invite: try again');
  const remove = async (m: Member) => {
    if (!window.confirm(`Remove ${m.email}? They can no longer sign in to this organisation.`)) return;
    setRowError(null);
    try {
      await api(`/v1/team/members/${m.id}`, { method: 'DELETE' });
      await load();
    } catch (err) {
      setRowError(err instanceof ApiError ? err.message : 'could not remove the member');
    }
  };
  return (
    <section className="card" aria-labelledby="team-title" data-testid="team">
      <h2 id="team-title">Team</h2>
      <p className="muted">Everyone here signs in to {me.tenant.name}: the same videos, reports, keys and usage.</p>
      <ErrorMessage error={rowError} testId="team-error" />
      {members && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id} data-testid="team-member" data-pending={m.pending}>
                  <td>
                    {m.email}
                    {m.id === me.user.id && <span className="muted"> (you)</span>}
                    {m.pending && <> <span className="badge queued">invited</span></>}
                  </td>
                  <td className="small">{formatDate(m.createdAt)}</td>
                  <td className="actions">
                    {m.id !== me.user.id && (
                      <button type="button" className="secondary small" data-testid="team-remove" onClick={() => void remove(m)}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={onSubmit} data-testid="invite-form" noValidate className="narrow-form">
        <Field id="invite-email" name="email" label="Invite by email" type="email" autoComplete="off" required />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Inviting…' : 'Invite'}
        </button>
      </form>
      {invited && (
        <div role="status" data-testid="invitation">
          {invited.mailed ? (
            <p>Invitation mailed to {invited.member.email}: the link works for 7 days.</p>
          ) : (
            <>
              <p>
                Send this link to {invited.member.email} yourself (this Tally sends no mail). It works once, for 7 days, and is shown only now:
              </p>
              <div className="secret">
                <code data-testid="invitation-link">{invited.link}</code>
                <CopyButton text={invited.link ?? ''} />
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}
