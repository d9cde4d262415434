import { api, ApiError, errorFrom } from './api.js';

export interface UploadStarted {
  uploadId: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
}

export interface UploadCallbacks {
  /** Bytes sent so far, 0..1. */
  onProgress(fraction: number): void;
  /** The file is stored; the server now probes it and queues the job. */
  onProcessing(): void;
}

/**
 * Uploads one file through the signed-URL flow (always: with GCS the PUT goes straight to the bucket, with
 * local storage to this API): POST /v1/uploads → PUT the bytes with XMLHttpRequest (upload progress events,
 * which fetch lacks) → POST /v1/uploads/{id}/complete. Resolves to the job id; rejects with the server's message.
 */
export function uploadVideo(file: File, options: { stride?: number }, cb: UploadCallbacks, signal: AbortSignal): Promise<string> {
  return (async () => {
    const started = await api<UploadStarted>('/v1/uploads', { method: 'POST', body: { fileName: file.name, sizeBytes: file.size, ...options } });
    await put(started, file, cb, signal);
    cb.onProcessing();
    const done = await api<{ jobId: string }>(`/v1/uploads/${started.uploadId}/complete`, { method: 'POST' });
    return done.jobId;
  })();
}

/** With local storage the URL is this API's own: use it relative, so it works behind any proxy or port. */
function target(url: string): string {
  const u = new URL(url, location.href);
  return u.pathname.startsWith('/v1/uploads/') ? u.pathname + u.search : url;
}

function put(started: UploadStarted, file: File, cb: UploadCallbacks, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(started.method, target(started.url));
    for (const [k, v] of Object.entries(started.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) cb.onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        cb.onProgress(1);
        resolve();
      } else reject(errorFrom(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload was interrupted: check your connection and try again'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload canceled'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
