import { formatProblem, type Problem } from '../graph/problems.js';

/** Why a dataset could not be loaded: every problem found, each naming the param, file line or column at fault. */
export class DatasetError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'DatasetError';
    this.problems = problems;
  }
}
