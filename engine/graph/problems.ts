/**
 * A problem found in a graph. Every stage reports problems instead of throwing, and
 * all of them are reported at once, each naming what is at fault.
 */
export interface Problem {
  severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. 'unknown-type', 'cycle', 'shape'. */
  code: string;
  message: string;
  nodeId?: string;
  nodeType?: string;
  port?: string;
  param?: string;
  edgeIndex?: number;
  /** JSON path inside the file, e.g. nodes[3].params.units */
  path?: string;
  /** 1-based line and column in the file text, when the graph came from text. */
  line?: number;
  column?: number;
}

/** "node "h1" (Linear), port "in": message" — the form every user-visible error takes. */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.nodeId !== undefined) where.push(`node "${p.nodeId}"${p.nodeType ? ` (${p.nodeType})` : ''}`);
  if (p.port) where.push(`port "${p.port}"`);
  if (p.edgeIndex !== undefined && p.nodeId === undefined) where.push(`edge ${p.edgeIndex}`);
  if (p.line !== undefined) where.unshift(`line ${p.line}${p.column !== undefined ? `:${p.column}` : ''}`);
  if (where.length === 0 && p.path) where.push(p.path);
  return where.length ? `${where.join(', ')}: ${p.message}` : p.message;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
