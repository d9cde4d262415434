import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { CopyButton, ErrorMessage } from '../components/form.js';
import { formatDate } from '../format.js';
import type { ApiKeyView } from '../types.js';

const message = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

export function KeysPage() {
  return (
    <>
      <h1>API keys & webhooks</h1>
      <ApiKeys />
      <Webhook />
    </>
  );
}

function ApiKeys() {
  const [keys, setKeys] = useState<ApiKeyView[] | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const load = useCallback(async () => {
    try {
      setKeys(await api<ApiKeyView[]>('/v1/api-keys'));
    } catch (err) {
      setError(message(err, 'could not load your keys'));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const k = await api<{ name: string; key: string }>('/v1/api-keys', { method: 'POST', body: { name: name.trim() || 'unnamed' } });
      setCreated(k);
      setName('');
      await load();
    } catch (err) {
      setError(message(err, 'could not create the key'));
    }
  };
  const revoke = async (k: ApiKeyView) => {
    if (!window.confirm(`Revoke "${k.name}" (${k.prefix}…)? Programs using it stop working within seconds.`)) return;
    setError(null);
    try {
      await api(`/v1/api-keys/${k.id}`, { method: 'DELETE' });
      await load();
    } catch (err) {
      setError(message(err, 'could not revoke the key'));
    }
  };

  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted">
        Send a key as <code>Authorization: Bearer &lt;key&gt;</code>. See the <a href="/docs">API reference</a>.
      </p>
      <form className="row" onSubmit={(e) => void create(e)}>
        <div className="field inline grow">
          <label htmlFor="key-name">New key name</label>
          <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="e.g. production server" data-testid="api-key-name" />
        </div>
        <button type="submit" data-testid="api-key-create">
          Create key
        </button>
      </form>
      {created && (
        <div className="notice" role="status">
          <p>
            Your new key <strong>{created.name}</strong>. Copy it now: it will not be shown again.
          </p>
          <div className="secret">
            <code data-testid="api-key-secret">{created.key}</code>
            <CopyButton text={created.key} />
          </div>
          <button type="button" className="link" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <ErrorMessage error={error} testId="api-key-error" />
      {keys && (
        <div className="table-wrap">
          <table data-testid="api-key-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-testid="api-key-row" data-prefix={k.prefix} data-revoked={k.revokedAt ? 'true' : 'false'}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td className="small">{formatDate(k.createdAt)}</td>
                  <td className="small">{formatDate(k.lastUsedAt)}</td>
                  <td className="actions">
                    {k.revokedAt ? (
                      <span className="badge canceled">Revoked</span>
                    ) : (
                      <button type="button" className="danger small" data-testid="api-key-revoke" onClick={() => void revoke(k)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Webhook() {
  const [url, setUrl] = useState('');
  const [hint, setHint] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<{ url: string | null; secretHint: string }>('/v1/settings/webhook').then(
      (w) => {
        setUrl(w.url ?? '');
        setHint(w.secretHint);
      },
      (err: unknown) => setError(message(err, 'could not load the webhook settings')),
    );
  }, []);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const w = await api<{ url: string | null }>('/v1/settings/webhook', { method: 'PUT', body: { url: url.trim() || null } });
      setUrl(w.url ?? '');
      setSaved(true);
    } catch (err) {
      setError(message(err, 'could not save the webhook URL'));
    }
  };
  const reveal = async () => {
    try {
      setSecret((await api<{ secret: string }>('/v1/settings/webhook/secret')).secret);
    } catch (err) {
      setError(message(err, 'could not reveal the secret'));
    }
  };
  const rotate = async () => {
    if (!window.confirm('Rotate the signing secret? Webhooks from now on are signed with the new one.')) return;
    try {
      const { secret: s } = await api<{ secret: string }>('/v1/settings/webhook/secret', { method: 'POST' });
      setSecret(s);
      setHint(`${s.slice(0, 10)}…`);
    } catch (err) {
      setError(message(err, 'could not rotate the secret'));
    }
  };
  return (
    <section className="card" aria-labelledby="webhook-title">
      <h2 id="webhook-title">Webhook</h2>
      <p className="muted">
        When a job finishes, Tally POSTs its status to this URL (unless the upload named its own <code>callbackUrl</code>), signed with HMAC-SHA256 in the{' '}
        <code>Tally-Signature</code> header.
      </p>
      <form className="row" onSubmit={(e) => void save(e)}>
        <div className="field inline grow">
          <label htmlFor="webhook-url">Default webhook URL</label>
          <input id="webhook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/tally-hook" data-testid="webhook-url" />
        </div>
        <button type="submit" data-testid="webhook-save">
          Save
        </button>
      </form>
      <p className="muted" role="status">
        {saved ? 'Saved.' : ''}
      </p>
      <div className="row">
        <span>Signing secret:</span>
        <code data-testid="webhook-secret">{secret ?? hint}</code>
        {secret ? <CopyButton text={secret} small /> : (
          <button type="button" className="secondary small" onClick={() => void reveal()} data-testid="webhook-reveal">
            Reveal
          </button>
        )}
        <button type="button" className="secondary small" onClick={() => void rotate()} data-testid="webhook-rotate">
          Rotate
        </button>
      </div>
      <ErrorMessage error={error} testId="webhook-error" />
    </section>
  );
}
