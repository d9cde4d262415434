import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, onUnauthorized } from './api.js';
import type { Me } from './types.js';

interface SessionState {
  /** undefined while loading; null when signed out. */
  me: Me | null | undefined;
  setMe(me: Me | null): void;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      setMe(await api<Me>('/v1/auth/me', { quiet401: true }));
    } catch {
      setMe(null);
    }
  }, []);
  const signOut = useCallback(async () => {
    await api('/v1/auth/signout', { method: 'POST' }).catch(() => undefined);
    setMe(null);
  }, []);
  useEffect(() => {
    void refresh();
    return onUnauthorized(() => setMe(null));
  }, [refresh]);
  return <SessionContext.Provider value={{ me, setMe, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (pages behind sign-in only). */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}
