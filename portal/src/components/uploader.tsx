import { useEffect, useRef, useState, type DragEvent } from 'react';
import { ApiError } from '../api.js';
import { formatBytes, formatSeconds } from '../format.js';
import { useMe } from '../session.js';
import { ACCEPT_ATTRIBUTE, fileProblem } from '../upload-checks.js';
import { uploadVideo } from '../upload.js';
import { ProgressBar } from './progress.js';

type Phase = 'uploading' | 'processing' | 'queued' | 'error' | 'canceled';

interface Item {
  key: number;
  name: string;
  size: number;
  phase: Phase;
  progress: number;
  error?: string;
  jobId?: string;
  abort?: AbortController;
}

const STRIDES = [
  { value: '1', label: 'Every frame (most accurate)' },
  { value: '2', label: 'Every 2nd frame' },
  { value: '4', label: 'Every 4th frame (faster)' },
  { value: '8', label: 'Every 8th frame (fastest)' },
];

let nextKey = 1;

/** Drag-and-drop (or pick) several videos; each gets its own progress bar and the server's verdict. */
export function Uploader({ onQueued }: { onQueued(jobId: string): void }) {
  const me = useMe();
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [stride, setStride] = useState('1');
  const [announce, setAnnounce] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  useEffect(() => () => itemsRef.current.forEach((i) => i.abort?.abort()), []);

  const update = (key: number, patch: Partial<Item>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  const start = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = nextKey++;
      const problem = fileProblem(file, me.limits.maxFileSizeBytes);
      if (problem) {
        setItems((list) => [{ key, name: file.name, size: file.size, phase: 'error', progress: 0, error: problem }, ...list]);
        setAnnounce(problem);
        continue;
      }
      const abort = new AbortController();
      setItems((list) => [{ key, name: file.name, size: file.size, phase: 'uploading', progress: 0, abort }, ...list]);
      let lastAnnounced = 0;
      uploadVideo(
        file,
        stride === '1' ? {} : { stride: Number(stride) },
        {
          onProgress: (p) => {
            update(key, { progress: p });
            if (p - lastAnnounced >= 0.25 || p === 1) {
              lastAnnounced = p;
              setAnnounce(`${file.name}: ${Math.round(p * 100)}% uploaded`);
            }
          },
          onProcessing: () => update(key, { phase: 'processing' }),
        },
        abort.signal,
      ).then(
        (jobId) => {
          update(key, { phase: 'queued', jobId, abort: undefined });
          setAnnounce(`${file.name} is queued for analysis`);
          onQueued(jobId);
        },
        (err: unknown) => {
          const canceled = err instanceof ApiError && err.code === 'aborted';
          const error = err instanceof ApiError ? err.message : 'the upload failed';
          update(key, { phase: canceled ? 'canceled' : 'error', error: canceled ? undefined : error, abort: undefined });
          setAnnounce(canceled ? `${file.name}: upload canceled` : `${file.name}: ${error}`);
        },
      );
    }
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) start(e.dataTransfer.files);
  };

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload videos</h2>
      <div
        className={`dropzone${dragging ? ' over' : ''}`}
        data-testid="upload-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>
          <strong>Drop video files here</strong> or{' '}
          <label htmlFor="upload-input" className="link">
            choose files
          </label>
        </p>
        <input
          id="upload-input"
          ref={input}
          className="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          data-testid="upload-input"
          onChange={(e) => {
            if (e.currentTarget.files?.length) start(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
        <p className="muted">
          MP4, MOV, MKV, WebM or AVI · up to {formatBytes(me.limits.maxFileSizeBytes)} and {formatSeconds(me.limits.maxDurationSec)} per video
        </p>
      </div>
      <div className="field inline">
        <label htmlFor="upload-stride">Analyse</label>
        <select id="upload-stride" data-testid="upload-stride" value={stride} onChange={(e) => setStride(e.target.value)}>
          {STRIDES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <p className="visually-hidden" aria-live="polite" role="status">
        {announce}
      </p>
      {items.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {items.map((i) => (
            <li key={i.key} data-testid="upload-item" data-phase={i.phase}>
              <div className="upload-head">
                <span className="name">{i.name}</span>
                <span className="muted">{formatBytes(i.size)}</span>
                {i.phase === 'uploading' && (
                  <button type="button" className="link" onClick={() => i.abort?.abort()}>
                    Cancel
                  </button>
                )}
              </div>
              {(i.phase === 'uploading' || i.phase === 'processing') && <ProgressBar value={i.progress} label={`Uploading ${i.name}`} testId="upload-progress" />}
              <p className={i.phase === 'error' ? 'error' : 'muted'} data-testid={i.phase === 'error' ? 'upload-error' : 'upload-state'}>
                {i.phase === 'uploading' && `Uploading… ${Math.round(i.progress * 100)}%`}
                {i.phase === 'processing' && 'Checking the video…'}
                {i.phase === 'queued' && 'Uploaded · analysis queued (see below)'}
                {i.phase === 'canceled' && 'Upload canceled'}
                {i.phase === 'error' && i.error}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
