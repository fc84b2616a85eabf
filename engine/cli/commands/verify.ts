import { listTemplateNames, loadTemplate, TemplateError, templatesRoot } from '../../templates/loadTemplate.js';
import { verifyTemplate, type TemplateReport } from '../../templates/verify.js';
import { backendFlag, orUsage, parseOrUsage, usagePrinter } from '../command.js';

const USAGE = 'usage: tensorloom verify NAME... | --all [--full] [--json] [--backend B] [--templates DIR]';
const usage = usagePrinter('verify', USAGE);

/**
 * Trains article templates and checks their claims: one PASS/FAIL block per template
 * (or one JSON object per line with --json). Without --full the CI budget is used.
 * Exit code 1 when any template fails or cannot be loaded.
 */
export async function runVerify(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, {
    all: { type: 'boolean' },
    full: { type: 'boolean' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
    templates: { type: 'string' },
  }, usage);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.all && positionals.length) return usage('give template names or --all, not both');
  if (!values.all && positionals.length === 0) return usage('name a template, or --all');
  const backend = orUsage(usage, () => backendFlag(values.backend));
  if (typeof backend === 'number') return backend;
  const root = values.templates ?? templatesRoot();
  const names = values.all ? await listTemplateNames(root) : positionals;
  const json = Boolean(values.json);
  const budget = values.full ? 'full' : 'ci';

  let failed = 0;
  for (const name of names) {
    let report: TemplateReport;
    try {
      const template = await loadTemplate(name, root);
      report = await verifyTemplate(template, { budget, backend, onProgress: json ? undefined : (m) => console.error(m) });
    } catch (err) {
      failed++;
      const problems = err instanceof TemplateError ? err.problems : [(err as Error).message];
      if (json) console.log(JSON.stringify({ name, pass: false, error: problems }));
      else console.log(`${name}: FAIL (cannot load)\n${problems.map((p) => `  ${p}`).join('\n')}`);
      continue;
    }
    if (!report.pass) failed++;
    console.log(json ? JSON.stringify(report) : formatReport(report));
  }
  if (names.length > 1 && !json) console.log(`${names.length - failed} of ${names.length} templates pass (${budget} budget)`);
  return failed ? 1 : 0;
}

/** The human form: verdict line, one line per rule, the reported metrics. */
export function formatReport(r: TemplateReport): string {
  const lines = [`${r.name}: ${r.pass ? 'PASS' : 'FAIL'} (${r.budget} budget, ${r.backend || 'no backend'}, ${(r.elapsedMs / 1000).toFixed(1)} s)`];
  for (const rule of r.rules) lines.push(`  ${rule.pass ? 'ok  ' : 'FAIL'} ${rule.description}: ${rule.text}`);
  for (const m of r.reported) lines.push(`       ${m.metric}${m.of ? `(${m.of})` : ''} = ${Number.isFinite(m.value) ? Number(m.value.toPrecision(6)) : m.value}`);
  for (const run of r.runs) if (run.error) lines.push(`  run "${run.name}": ${run.error}`);
  return lines.join('\n');
}
