import crypto from 'node:crypto';

/** The object id git gives `content` as a blob. */
export function hashBlob(content: Uint8Array): string {
  return crypto.createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
