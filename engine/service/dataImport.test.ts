import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetPreview, Response } from '../protocol/messages.js';
import { EngineService } from './engineService.js';

let root: string;
let workspace: string;
let service: EngineService;
let nextId = 1;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tensorloom-import-'));
  workspace = join(root, 'workspace');
  service = new EngineService({ templatesDir: join(root, 'templates'), recoveryDir: join(root, 'recovery'), workspaceDir: workspace, push: () => {} });
});

afterEach(async () => {
  await service.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function call(method: string, params: unknown): Promise<any> {
  const r: Response = await service.request({ id: nextId++, method, params });
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result;
}

function pngBase64(value: number): string {
  const img = new PNG({ width: 6, height: 6 });
  for (let i = 0; i < 36; i++) img.data.set([value, value, value, 255], 4 * i);
  return PNG.sync.write(img).toString('base64');
}

const CSV = 'a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n';

describe('data import', () => {
  it('imports a CSV into data/<name>.csv, which a dataset then reads', async () => {
    const { importId } = await call('data.importBegin', { name: 'toy', kind: 'csv', files: 1, bytes: CSV.length });
    expect(await call('data.importFile', { importId, text: CSV })).toEqual({ bytes: CSV.length });
    expect(await call('data.importEnd', { importId })).toEqual({ path: 'data/toy.csv', files: 1, bytes: CSV.length, replaced: false });
    expect(readFileSync(join(workspace, 'data', 'toy.csv'), 'utf8')).toBe(CSV);
    expect(readdirSync(join(workspace, 'data'))).toEqual(['toy.csv']); // no staging folder left
    const preview: DatasetPreview = await call('dataset.preview', { dataset: { name: 'csv', params: { path: 'data/toy.csv', label: 'label' } }, limit: 10 });
    expect(preview.trainCount + preview.testCount).toBe(4);
  });

  it('takes a large file in chunks, and a re-import replaces the data the engine answers with', async () => {
    const first = await call('data.importBegin', { name: 'toy', kind: 'csv', files: 1, bytes: CSV.length });
    await call('data.importFile', { importId: first.importId, text: CSV.slice(0, 10) });
    await call('data.importFile', { importId: first.importId, text: CSV.slice(10), append: true });
    await call('data.importEnd', { importId: first.importId });
    const ref = { name: 'csv', params: { path: 'data/toy.csv', label: 'label' } };
    expect((await call('dataset.preview', { dataset: ref, limit: 10 })).trainCount).toBe(3);
    const bigger = CSV + '9,10,x\n11,12,y\n13,14,x\n15,16,y\n17,18,x\n19,20,y\n';
    const second = await call('data.importBegin', { name: 'toy', kind: 'csv', files: 1, bytes: bigger.length });
    await call('data.importFile', { importId: second.importId, base64: Buffer.from(bigger).toString('base64') });
    expect((await call('data.importEnd', { importId: second.importId })).replaced).toBe(true);
    const preview = await call('dataset.preview', { dataset: ref, limit: 10 });
    expect(preview.trainCount + preview.testCount).toBe(10);
  });

  it('imports a folder of pictures, one message per file, readable by the images dataset', async () => {
    const files = [
      ['bright/1.png', pngBase64(250)],
      ['bright/2.png', pngBase64(240)],
      ['dark/1.png', pngBase64(10)],
      ['dark/2.png', pngBase64(5)],
    ];
    const bytes = files.reduce((n, [, b]) => n + Buffer.from(b, 'base64').length, 0);
    const { importId } = await call('data.importBegin', { name: 'shades', kind: 'images', files: files.length, bytes });
    for (const [file, base64] of files) await call('data.importFile', { importId, file, base64 });
    // Nothing shows in data/ until the import ends.
    expect(existsSync(join(workspace, 'data', 'shades'))).toBe(false);
    expect(await call('data.importEnd', { importId })).toMatchObject({ path: 'data/shades', files: 4, bytes });
    expect(readdirSync(join(workspace, 'data', 'shades')).sort()).toEqual(['bright', 'dark']);
    const preview: DatasetPreview = await call('dataset.preview', { dataset: { name: 'images', params: { path: 'data/shades', size: 4, color: 'grayscale' }, testFraction: 0.5 }, limit: 10 });
    expect(preview.spec.classNames).toEqual(['bright', 'dark']);
    expect(preview.spec.x.shape).toEqual(['B', 4, 4, 1]);
    for (let i = 0; i < preview.x.length; i++) expect(preview.x[i][0] > 0.5).toBe(preview.y[i] === 0);
  });

  it('refuses names and paths that would leave the folder, before anything is written', async () => {
    for (const name of ['../x', '.hidden', 'a/b', '', 'x'.repeat(81)]) {
      await expect(call('data.importBegin', { name, kind: 'csv', files: 1, bytes: 1 }), name).rejects.toMatchObject({ code: 'bad-request' });
    }
    const { importId } = await call('data.importBegin', { name: 'pics', kind: 'images', files: 3, bytes: 100 });
    for (const file of ['../../escape.png', 'a/../../b.png', '/etc/x.png', 'cls/notes.txt', 'a/b/c.png', 'cls/.x.png']) {
      await expect(call('data.importFile', { importId, file, base64: 'AAAA' }), file).rejects.toMatchObject({ code: 'bad-request' });
    }
    await expect(call('data.importFile', { importId, file: 'a/x.png', base64: 'not base64!' })).rejects.toThrow(/base64/);
    await expect(call('data.importFile', { importId, file: 'a/x.png' })).rejects.toThrow(/either text or base64/);
    expect(readdirSync(root).sort()).toEqual(['workspace']);
  });

  it('refuses oversized totals with a clear message, and files beyond what was announced', async () => {
    await expect(call('data.importBegin', { name: 'huge', kind: 'csv', files: 1, bytes: 300 * 1024 * 1024 })).rejects.toMatchObject({
      code: 'too-large',
      message: 'the CSV file is 300 MB; imports of up to 256 MB are accepted',
    });
    const { importId } = await call('data.importBegin', { name: 'toy', kind: 'csv', files: 1, bytes: 5 });
    await expect(call('data.importFile', { importId, text: CSV })).rejects.toMatchObject({ code: 'too-large', message: expect.stringContaining('larger than the 5 bytes announced; the import was cancelled') });
    await expect(call('data.importEnd', { importId })).rejects.toMatchObject({ code: 'not-found' });
    expect(readdirSync(join(workspace, 'data'))).toEqual([]);
  });

  it('cancel drops everything; a data folder linking outside the workspace is refused', async () => {
    const { importId } = await call('data.importBegin', { name: 'toy', kind: 'csv', files: 1, bytes: CSV.length });
    await call('data.importFile', { importId, text: CSV });
    expect(await call('data.importCancel', { importId })).toEqual({ cancelled: true });
    expect(readdirSync(join(workspace, 'data'))).toEqual([]);

    rmSync(join(workspace, 'data'), { recursive: true });
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(workspace, 'data'));
    await expect(call('data.importBegin', { name: 'toy', kind: 'csv', files: 1, bytes: 1 })).rejects.toMatchObject({ code: 'forbidden' });
    expect(readdirSync(join(root, 'elsewhere'))).toEqual([]);
  });
});
