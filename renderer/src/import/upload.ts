import type { EngineClient } from '../../../engine/protocol/client.js';
import type { DataImportResult } from '../../../engine/protocol/messages.js';
import type { ImageFolder, PickedFile } from './imageFolder.js';

/** Raw bytes per message: base64 makes 4/3 of it, well under the protocol's chunk cap. */
const CHUNK_BYTES = 6 * 1024 * 1024;

export interface UploadProgress {
  done: number;
  total: number;
}

type Readable = PickedFile & { arrayBuffer(): Promise<ArrayBuffer> };

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Sends a CSV text into the workspace's data/ folder (in chunks if large); resolves with where it landed. */
export async function uploadCsv(client: EngineClient, name: string, text: string, onProgress?: (p: UploadProgress) => void): Promise<DataImportResult> {
  const bytes = new TextEncoder().encode(text);
  const { importId } = await client.request('data.importBegin', { name, kind: 'csv', files: 1, bytes: bytes.length });
  try {
    for (let offset = 0; offset === 0 || offset < bytes.length; offset += CHUNK_BYTES) {
      await client.request('data.importFile', { importId, base64: toBase64(bytes.subarray(offset, offset + CHUNK_BYTES)), ...(offset > 0 ? { append: true } : {}) });
      onProgress?.({ done: Math.min(bytes.length, offset + CHUNK_BYTES), total: bytes.length });
    }
    return await client.request('data.importEnd', { importId });
  } catch (err) {
    await client.request('data.importCancel', { importId }).catch(() => {});
    throw err;
  }
}

/** Sends a folder's pictures, one message per picture (chunked if one is huge), as `class/file`. */
export async function uploadImages(client: EngineClient, name: string, folder: ImageFolder<Readable>, onProgress?: (p: UploadProgress) => void): Promise<DataImportResult> {
  const { importId } = await client.request('data.importBegin', { name, kind: 'images', files: folder.count, bytes: folder.bytes });
  let done = 0;
  try {
    for (const cls of folder.classes) {
      for (const f of cls.files) {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const file = `${cls.name}/${f.name}`;
        for (let offset = 0; offset === 0 || offset < bytes.length; offset += CHUNK_BYTES) {
          await client.request('data.importFile', { importId, file, base64: toBase64(bytes.subarray(offset, offset + CHUNK_BYTES)), ...(offset > 0 ? { append: true } : {}) });
        }
        onProgress?.({ done: ++done, total: folder.count });
      }
    }
    return await client.request('data.importEnd', { importId });
  } catch (err) {
    await client.request('data.importCancel', { importId }).catch(() => {});
    throw err;
  }
}
