/** Loss landscapes (Li et al. 2018) and sharpness (the SAM article), for the landscape panel and command. */
export { lossLandscape, lossSlice, linspace, DEFAULT_GRID, DEFAULT_RANGE } from './landscape.js';
export type { LandscapeOptions, LandscapeResult, SliceOptions, SliceResult } from './landscape.js';
export { compareRuns, type CompareOptions, type CompareResult, type ComparedRun } from './compare.js';
export { measureSharpness, type SharpnessOptions, type SharpnessResult } from './sharpness.js';
export { LossEvaluator, type Direction, type EvaluatorOptions } from './evaluator.js';
export { randomDirection, filterNormalise, pathDirections, type WeightSnapshot, type BiasTreatment, type PathDirections } from './directions.js';
export type { AnalysisProgress, Cancellable } from './progress.js';
