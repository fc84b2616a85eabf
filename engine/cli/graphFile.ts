import { dirname, resolve } from 'node:path';
import { describeDataset } from '../data/registry.js';
import { formatProblem, type Problem } from '../graph/problems.js';
import { validateGraphText, type ValidationResult } from '../graph/validate.js';

/** Validates a graph file's text, with dataset files resolved next to the graph file. */
export function validateGraphFile(file: string, text: string): { baseDir: string; validation: ValidationResult } {
  const baseDir = dirname(resolve(file));
  return { baseDir, validation: validateGraphText(text, { describeDataset: (ref) => describeDataset(ref, { baseDir }) }) };
}

/** `FILE: the graph has N problems:` and one indented line per problem. */
export function graphProblemsMessage(file: string, errors: readonly Problem[]): string {
  return `${file}: the graph has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${errors.map((p) => `  ${formatProblem(p)}`).join('\n')}`;
}
