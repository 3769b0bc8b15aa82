import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors';

/** Reads the whole body, refusing (413) as soon as it passes `limit` bytes, whatever Content-Length claims. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  // a large body of declared length is copied into place as it arrives, not in one 3 MB concat at the end
  let into = Number.isFinite(declared) && declared > 64 * 1024 ? Buffer.allocUnsafe(declared) : null;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      if (into && size <= into.length) chunk.copy(into, size - chunk.length);
      else if (into) {
        chunks.push(into.subarray(0, size - chunk.length), chunk);
        into = null;
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(into ? into.subarray(0, size) : Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(new AppError('PAYLOAD_INVALID', `could not read request body: ${err.message}`));
    });
  });
}

function tooLarge(limit: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `request body is larger than the limit of ${limit} bytes`, {
    details: { limit },
  });
}
