import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { randomToken } from '@cap-iae/access';
import { DomainError } from '@cap-iae/shared';

export const MAX_UPLOAD_BYTES = 500 * 1024 * 1024;

/**
 * Streams an uploaded file to a private temporary file, never holding it in memory; the caller deletes it after the
 * run. The body is the file itself (raw), as sent by `curl --data-binary @f.csv` or the page's form script.
 */
export async function receiveUpload(
  req: Request,
  filename: string,
): Promise<{ path: string; originalName: string; cleanup: () => void }> {
  // A body already read by the JSON or form parser is not a file (curl --data-binary sends a form type by default).
  if (req.is('application/json') || req.is('application/x-www-form-urlencoded')) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'Envoyez le fichier lui-même, avec « Content-Type: text/csv » (CSV) ou « application/vnd.openxmlformats-officedocument.spreadsheetml.sheet » (XLSX).',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-import-'));
  const safe =
    path
      .basename(filename)
      .replace(/[^\w.\-À-ÿ ]/g, '_')
      .slice(0, 200) || 'fichier';
  const target = path.join(dir, `${randomToken(6)}-${safe}`);
  let size = 0;
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) req.destroy(new Error('trop volumineux'));
    });
    await pipeline(req, fs.createWriteStream(target, { mode: 0o600 }));
  } catch {
    cleanup();
    throw new DomainError(
      'VALIDATION_FAILED',
      `Fichier refusé : ${size > MAX_UPLOAD_BYTES ? `plus de ${MAX_UPLOAD_BYTES / 1024 / 1024} Mo` : 'envoi interrompu'}.`,
    );
  }
  if (size === 0) {
    cleanup();
    throw DomainError.validation([{ field: 'fichier', message: 'fichier vide' }]);
  }
  return { path: target, originalName: safe, cleanup };
}

/**
 * The page's upload form is multipart (it works without JavaScript): the file part is streamed to disk the same way,
 * the other fields are returned as text.
 */
export async function receiveMultipart(req: Request): Promise<{
  file?: { path: string; originalName: string; cleanup: () => void };
  fields: Record<string, string>;
}> {
  const fields: Record<string, string> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-import-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  let file: { path: string; originalName: string; cleanup: () => void } | undefined;
  let writing: Promise<void> = Promise.resolve();
  let tooBig = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const bb = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: MAX_UPLOAD_BYTES, fields: 20 },
      });
      bb.on('field', (name, value) => (fields[name] = value));
      bb.on('file', (_name, stream, info) => {
        const safe =
          path
            .basename(info.filename || 'fichier')
            .replace(/[^\w.\-À-ÿ ]/g, '_')
            .slice(0, 200) || 'fichier';
        const target = path.join(dir, `${randomToken(6)}-${safe}`);
        stream.on('limit', () => (tooBig = true));
        writing = pipeline(stream, fs.createWriteStream(target, { mode: 0o600 }));
        file = { path: target, originalName: safe, cleanup };
      });
      bb.on('close', () => resolve());
      bb.on('error', reject);
      req.pipe(bb);
    });
    await writing;
  } catch {
    cleanup();
    throw new DomainError('VALIDATION_FAILED', 'Fichier refusé : envoi interrompu ou formulaire illisible.');
  }
  if (tooBig) {
    cleanup();
    throw new DomainError(
      'VALIDATION_FAILED',
      `Fichier refusé : plus de ${MAX_UPLOAD_BYTES / 1024 / 1024} Mo.`,
    );
  }
  if (!file || fs.statSync(file.path).size === 0) {
    cleanup();
    return { fields };
  }
  return { file, fields };
}
