import { describe, expect, it } from 'vitest';
import { formatReport } from '../../engine/cli/commands/verify.js';
import { inspectTemplate, listTemplateNames, loadTemplate, templatesRoot } from '../../engine/templates/loadTemplate.js';
import { verifyTemplate } from '../../engine/templates/verify.js';
import { join } from 'node:path';

/**
 * Every article template: complete, its graph (and every run's patched graph) free of
 * problems, and its claim holding at the CI budget on the wasm backend. The full budgets
 * are checked by `npm run verify:templates`.
 */
const names = await listTemplateNames();

describe('article templates', () => {
  it('are all there', () => {
    for (const name of ['softmax-regression', 'kl-divergence', 'dropout', 'decision-trees', 'sam', 'moe-from-scratch']) expect(names).toContain(name);
  });

  it.each(names)('%s is complete and its graph validates with no problem', async (name) => {
    const { problems } = await inspectTemplate(join(templatesRoot(), name));
    expect(problems).toEqual([]);
  });

  it.each(names)('%s passes verify at its CI budget', async (name) => {
    const report = await verifyTemplate(await loadTemplate(name), { budget: 'ci', backend: 'wasm' });
    console.log(formatReport(report));
    expect(report.rules.filter((r) => !r.pass).map((r) => `${r.description}: ${r.text}`)).toEqual([]);
    expect(report.pass).toBe(true);
  }, 180_000);
});
