import { readFile, stat } from 'node:fs/promises';
import { formatProblem, hasErrors } from '../../graph/problems.js';
import { parseOrUsage, usagePrinter } from '../command.js';
import { validateGraphFile } from '../graphFile.js';

const usage = usagePrinter('validate', 'usage: tensorloom validate FILE... [--json]');

/** Graph files larger than this are refused unread: no real graph is this big. */
export const MAX_GRAPH_FILE_BYTES = 20 * 1024 * 1024;

/**
 * Validates many files in one process, one line per file (or one JSON object per
 * file with --json). Exit code 1 when any file has an error.
 */
export async function runValidate(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, { json: { type: 'boolean' } }, usage);
  if (typeof parsed === 'number') return parsed;
  const files = parsed.positionals;
  if (files.length === 0) return usage('name at least one graph file');
  let failed = 0;
  for (const file of files) {
    const report = await validateFile(file);
    if (!report.ok) failed++;
    if (parsed.values.json) {
      console.log(JSON.stringify(report));
    } else if (report.ok) {
      console.log(`${file}: ok${report.warnings.length ? ` (${report.warnings.length} warnings)` : ''}`);
    } else {
      console.log(`${file}: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
      for (const e of report.errors) console.log(`  ${e.text}`);
    }
  }
  if (files.length > 1 && !parsed.values.json) console.log(`${files.length - failed} of ${files.length} files valid`);
  return failed ? 1 : 0;
}

export interface FileReport {
  file: string;
  ok: boolean;
  errors: { text: string; code: string; nodeId?: string; nodeType?: string; port?: string; line?: number; column?: number }[];
  warnings: { text: string; code: string }[];
}

export async function validateFile(file: string): Promise<FileReport> {
  const report = (message: string, code: string): FileReport => ({ file, ok: false, errors: [{ text: message, code }], warnings: [] });
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return report(`${file} is not a file`, 'io');
    if (info.size > MAX_GRAPH_FILE_BYTES) return report(`the file is ${(info.size / 1024 ** 2).toFixed(1)} MB, over the ${MAX_GRAPH_FILE_BYTES / 1024 ** 2} MB a graph file may be`, 'too-large');
    text = await readFile(file, 'utf8');
  } catch (err) {
    return report(`cannot read the file: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (err as Error).message}`, 'io');
  }
  const { validation: result } = validateGraphFile(file, text);
  const pick = (p: (typeof result.problems)[number]) => ({
    text: formatProblem(p), code: p.code,
    ...(p.nodeId !== undefined ? { nodeId: p.nodeId } : {}), ...(p.nodeType ? { nodeType: p.nodeType } : {}), ...(p.port ? { port: p.port } : {}),
    ...(p.line !== undefined ? { line: p.line, column: p.column } : {}),
  });
  return {
    file,
    ok: !hasErrors(result.problems),
    errors: result.problems.filter((p) => p.severity === 'error').map(pick),
    warnings: result.problems.filter((p) => p.severity === 'warning').map((p) => ({ text: formatProblem(p), code: p.code })),
  };
}
