/**
 * Discord's two request body kinds: JSON, or multipart with the JSON in `payload_json` and the
 * files beside it.
 */
import type { IncomingMessage } from 'node:http';
import { readBytes, readMultipart, type RecordedFile } from '../../fixtures/multipart.js';

export type { RecordedFile };

/**
 * A request body as Discord reads it: JSON, or multipart with `payload_json` and `files[n]`.
 * Undefined for a body of another type (the REST side answers that with an error).
 */
export async function readDiscordBody(req: IncomingMessage): Promise<{ body: any; files: RecordedFile[] } | undefined> {
  const raw = await readBytes(req);
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type.startsWith('application/json')) return { body: JSON.parse(raw.toString('utf8')), files: [] };
  if (type.startsWith('multipart/form-data')) {
    const { fields, files } = await readMultipart(raw, type);
    const payload = fields.get('payload_json');
    return { body: payload === undefined ? undefined : JSON.parse(payload), files };
  }
  return undefined;
}
