import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { BadRequestError, UnsupportedMediaTypeError } from '../common/errors.js';

export interface ReceivedFile {
  path: string;
  sizeBytes: number;
  fileName: string;
  mimeType: string;
}

export interface ReceivedUpload {
  file?: ReceivedFile;
  fields: Record<string, string>;
  /** The file went over maxBytes and was cut: the caller answers 413. */
  tooLarge: boolean;
}

/**
 * Streams a multipart/form-data request: the `file` part to `tempPath` (never held in memory),
 * small text fields into `fields`. Stops writing once the file passes maxBytes.
 */
export async function receiveMultipart(req: IncomingMessage, tempPath: string, maxBytes: number): Promise<ReceivedUpload> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(`send the video as multipart/form-data with a "file" field (got ${contentType || 'no content type'})`);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, preservePath: true, limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 4096, parts: 12 } });
  } catch (err) {
    throw new BadRequestError('bad_multipart', `malformed multipart request: ${(err as Error).message}`);
  }
  const result: ReceivedUpload = { fields: {}, tooLarge: false };
  let fileWrite: Promise<void> | undefined;
  let sawFile = false;

  parser.on('field', (name, value) => {
    result.fields[name] = value;
  });
  parser.on('file', (name, stream: Readable, info) => {
    if (name !== 'file' || sawFile) {
      stream.resume(); // not ours: discard
      return;
    }
    sawFile = true;
    let size = 0;
    stream.on('data', (chunk: Buffer) => (size += chunk.length));
    stream.on('limit', () => (result.tooLarge = true));
    fileWrite = pipeline(stream, createWriteStream(tempPath)).then(() => {
      result.file = { path: tempPath, sizeBytes: size, fileName: info.filename ?? '', mimeType: info.mimeType ?? '' };
    });
  });

  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', (err: Error) => reject(new BadRequestError('bad_multipart', `malformed multipart request: ${err.message}`)));
    req.on('aborted', () => reject(new BadRequestError('upload_aborted', 'the upload was interrupted')));
  });
  req.pipe(parser);
  try {
    await parsed;
    await fileWrite;
  } catch (err) {
    req.unpipe(parser);
    req.resume();
    await fileWrite?.catch(() => undefined);
    await rm(tempPath, { force: true });
    throw err;
  }
  return result;
}

/** A file name we keep only for display: no directories, no control characters, at most 255 characters. */
export function checkFileName(raw: string): string {
  const name = raw.normalize('NFC');
  if (/[/\\]/.test(name) || name === '.' || name === '..' || name.includes('\0')) {
    throw new BadRequestError('invalid_file_name', 'the file name must not contain a path (/, \\ or ..)');
  }
  const clean = name.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  return (clean || 'video').slice(0, 255);
}

/** Declared media types we accept for the file part; others are refused before anything is read. */
export function isAcceptableMediaType(mimeType: string): boolean {
  const type = mimeType.toLowerCase();
  return !type || type.startsWith('video/') || type === 'application/octet-stream';
}
