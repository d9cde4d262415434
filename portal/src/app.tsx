import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, navigate, useLocation } from './router.js';
import { useSession } from './session.js';
import { AccountPage } from './pages/account.js';
import { JobsPage } from './pages/jobs.js';
import { KeysPage } from './pages/keys.js';
import { ForgotPasswordPage, ResetPasswordPage, SignInPage, SignUpPage } from './pages/sign-in.js';
import { UsagePage } from './pages/usage.js';

// The report page (charts, tables) loads on demand: the job list stays light.
const ReportPage = lazy(() => import('./pages/report.js').then((m) => ({ default: m.ReportPage })));

const NAV = [
  { to: '/', label: 'Jobs' },
  { to: '/keys', label: 'API keys & webhooks' },
  { to: '/usage', label: 'Usage' },
  { to: '/account', label: 'Account' },
];

const PUBLIC = new Set(['/signin', '/signup', '/forgot-password']);
/** Pages for signed-in and signed-out people alike. */
const OPEN = new Set(['/reset-password']);
// Keep in step with APP_ROUTES in src/portal/portal-static.ts (the server answers index.html on those only).

export function App() {
  const { me, signOut } = useSession();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);

  // Signed out on a private page → sign in; signed in on sign-in/up → jobs.
  useEffect(() => {
    if (me === null && !PUBLIC.has(path) && !OPEN.has(path)) navigate(`/signin`, true);
    if (me && PUBLIC.has(path)) navigate('/', true);
  }, [me, path]);

  // Move focus to the page on navigation, so screen readers announce it.
  useEffect(() => {
    main.current?.focus({ preventScroll: true });
  }, [path]);

  let page;
  if (me === undefined) page = <p className="muted" role="status">Loading…</p>;
  else if (path === '/reset-password') page = <ResetPasswordPage />;
  else if (path === '/signup' && !me) page = <SignUpPage />;
  else if (path === '/forgot-password' && !me) page = <ForgotPasswordPage />;
  else if (path === '/signin' || !me) page = <SignInPage />;
  else if (path === '/') page = <JobsPage />;
  else if (path === '/keys') page = <KeysPage />;
  else if (path === '/usage') page = <UsagePage />;
  else if (path === '/account') page = <AccountPage />;
  else if (/^\/jobs\/[0-9a-f-]{36}$/i.test(path)) page = <ReportPage jobId={path.slice(6)} />;
  else page = <NotFound />;

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="logo" aria-hidden="true">
            T
          </span>
          Tally
        </Link>
        {me && (
          <>
            <nav aria-label="Main">
              {NAV.map((n) => (
                <Link key={n.to} to={n.to} aria-current={path === n.to ? 'page' : undefined}>
                  {n.label}
                </Link>
              ))}
            </nav>
            <div className="account">
              <span className="muted" title={me.tenant.name}>
                {me.user.email}
              </span>
              <button type="button" className="link" data-testid="signout" onClick={() => void signOut()}>
                Sign out
              </button>
            </div>
          </>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>{page}</Suspense>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to your jobs</Link>
      </p>
    </section>
  );
}
