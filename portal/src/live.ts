import { useEffect, useRef } from 'react';
import type { JobEvent } from './types.js';

/**
 * Subscribes to a server-sent event stream of job events while mounted (EventSource reconnects by itself).
 * The tenant-wide /v1/events keeps one connection for a whole job list, whatever the number of jobs.
 */
export function useJobEvents(url: string | null, onEvent: (e: JobEvent) => void, onOpen?: () => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const opened = useRef(onOpen);
  opened.current = onOpen;
  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url);
    const listen = (e: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(e.data) as JobEvent);
      } catch {
        /* a malformed event is ignored */
      }
    };
    source.addEventListener('progress', listen);
    source.addEventListener('status', listen);
    source.onopen = () => opened.current?.();
    return () => source.close();
  }, [url]);
}
