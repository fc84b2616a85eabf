import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { loadConfig } from 'app-builder-lib/out/util/config/load.js';

// Packaging cannot run here (electron-builder needs the Electron binary, which cannot be
// downloaded on these machines), so the configuration is kept correct by checking it the
// way electron-builder reads it, against electron-builder's own JSON schema.
const REPO = join(import.meta.dirname, '../..');
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const SCHEMA_FILE = requireFromBuilder.resolve('app-builder-lib/scheme.json');

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
/** The file as written, and as electron-builder normalises it before building. */
let raw: { result: Configuration; configFile: string | null } | null;
let config: Configuration;
let validate: ReturnType<Ajv['compile']>;

beforeAll(async () => {
  raw = await loadConfig<Configuration>({ packageKey: 'build', configFilename: 'electron-builder', projectDir: REPO, packageMetadata: null });
  config = await getConfig(REPO, null, null);
  // strict: false because the schema uses keywords ajv does not define; no type coercion, unlike electron-builder.
  validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
});

function schemaErrors(value: unknown) {
  validate(value);
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

function targets(platform: { target?: unknown } | null | undefined): string[] {
  return ((platform?.target ?? []) as (string | { target: string })[]).map((t) => (typeof t === 'string' ? t : t.target));
}

/** Width, height, bit depth and colour type of a PNG, and its pixels (filter type 0 rows, as build/icon.mjs writes). */
function readPng(bytes: Buffer) {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const alpha = (x: number, y: number) => rows[y * (width * 4 + 1) + 1 + x * 4 + 3];
  return { width, height, bitDepth: bytes[24], colorType: bytes[25], alpha };
}

describe('electron-builder configuration', () => {
  it('is electron-builder.yml, as electron-builder itself finds it (no competing "build" key in package.json)', () => {
    expect(pkg.build).toBeUndefined();
    expect(raw?.configFile).toBe(join(REPO, 'electron-builder.yml'));
    expect(config.appId).toBe('org.tensorloom.app');
    expect(config.productName).toBe('Tensorloom');
  });

  it("matches electron-builder's JSON schema, checked with ajv without type coercion", () => {
    expect(schemaErrors(raw!.result)).toEqual([]);
    // The check has teeth: a misspelled option and a wrong type are caught.
    const file = raw!.result;
    expect(schemaErrors({ ...file, linx: { target: ['deb'] } }).join('\n')).toContain('must NOT have additional properties');
    expect(schemaErrors({ ...file, nsis: { ...file.nsis, perMachine: 'yes' } }).join('\n')).toContain('/nsis/perMachine must be boolean');
  });

  it("passes electron-builder's own validation", async () => {
    await expect(validateConfiguration(config, { isEnabled: false } as never)).resolves.toBeUndefined();
  });

  it('builds AppImage and deb for Linux, an NSIS installer for Windows and a dmg for macOS', () => {
    expect(targets(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(targets(config.win)).toEqual(['nsis']);
    expect(targets(config.mac)).toEqual(['dmg']);
  });

  it('associates .loom.json files with the app on every platform', () => {
    const associations = [config.fileAssociations ?? []].flat();
    const graphs = associations.find((a) => [a.ext].flat().includes('loom.json'));
    expect(graphs).toMatchObject({ name: 'Tensorloom graph', role: 'Editor' });
    // NSIS registers associations only in a per-machine install; Linux needs the MIME type declared.
    expect(config.nsis?.perMachine).toBe(true);
    expect(config.linux?.mimeTypes).toContain(graphs!.mimeType);
  });

  it('gives every platform the app icon, a 512×512 RGBA PNG with transparent rounded corners', async () => {
    for (const platform of [config.linux, config.win, config.mac]) expect(platform?.icon).toBe('build/icon.png');
    const bytes = readFileSync(join(REPO, 'build/icon.png'));
    const png = readPng(bytes);
    expect([png.width, png.height, png.bitDepth, png.colorType]).toEqual([512, 512, 8, 6]);
    expect([png.alpha(0, 0), png.alpha(511, 511), png.alpha(256, 256)]).toEqual([0, 0, 255]);
    // The committed PNG is what build/icon.mjs draws, and the SVG is drawn from the same shapes.
    const icon = await import('../../build/icon.mjs');
    expect(Buffer.compare(icon.renderIconPng(), bytes)).toBe(0);
    expect(readFileSync(join(REPO, 'build/icon.svg'), 'utf8')).toBe(icon.iconSvg());
  });

  it('packages the built shell, renderer and templates, with the package metadata electron-builder needs', () => {
    const files = [raw!.result.files ?? []].flat() as string[];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist-electron/**/*', 'dist-renderer/**/*', 'templates/**/*']));
    expect(pkg.main).toMatch(/^dist-electron\//);
    expect(pkg.name && pkg.version && pkg.description).toBeTruthy();
    // electron-builder refuses electron among the dependencies: it must be a devDependency.
    expect(pkg.devDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(existsSync(join(REPO, 'templates'))).toBe(true);
  });
});
