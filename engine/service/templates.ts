import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { TemplateContent, TemplateInfo } from '../protocol/messages.js';
import { ServiceError } from './serviceError.js';

/**
 * The templates gallery: one folder per article under `templates/`, each with
 * `graph.loom.json`, `README.md` and `template.json` ({title, article, summary, claim,
 * budget}). A folder missing one of them is left out of the list.
 */
export const TEMPLATE_NAME = /^[a-z0-9-]+$/;

const TemplateMetaSchema = z.object({
  title: z.string().min(1).max(200),
  article: z.string().max(500),
  summary: z.string().max(2000),
  claim: z.unknown().optional(),
  budget: z.unknown().optional(),
});

export async function listTemplates(dir: string): Promise<TemplateInfo[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && TEMPLATE_NAME.test(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const infos: TemplateInfo[] = [];
  for (const name of names.sort()) {
    try {
      const { title, article, summary } = await readTemplate(dir, name);
      infos.push({ name, title, article, summary });
    } catch {
      // An incomplete folder (a template being written) is not offered.
    }
  }
  return infos;
}

export async function getTemplate(dir: string, name: string): Promise<TemplateContent> {
  if (!TEMPLATE_NAME.test(name)) throw new ServiceError('not-found', `no template "${name}"`);
  try {
    return await readTemplate(dir, name);
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ServiceError('not-found', `no template "${name}"`);
    throw err;
  }
}

async function readTemplate(dir: string, name: string): Promise<TemplateContent> {
  const folder = join(dir, name);
  const [graph, readme, metaText] = await Promise.all([
    readFile(join(folder, 'graph.loom.json'), 'utf8'),
    readFile(join(folder, 'README.md'), 'utf8'),
    readFile(join(folder, 'template.json'), 'utf8'),
  ]);
  let raw: unknown;
  try {
    raw = JSON.parse(metaText);
  } catch (err) {
    throw new ServiceError('bad-template', `templates/${name}/template.json is not valid JSON: ${(err as Error).message}`);
  }
  const meta = TemplateMetaSchema.safeParse(raw);
  if (!meta.success) {
    const issue = meta.error.issues[0];
    throw new ServiceError('bad-template', `templates/${name}/template.json: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  const { title, article, summary, claim, budget } = meta.data;
  return { name, title, article, summary, graph, readme, claim: claim ?? null, budget: budget ?? null };
}
