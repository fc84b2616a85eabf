import type { z } from 'zod';
import type { CompiledModel } from '../compile/compile.js';
import type { LoadedDataset } from '../data/spec.js';
import type { Graph, TrainingConfig } from '../graph/schema.js';
import type { TrainEvent } from '../train/events.js';

export type EpochEvent = Extract<TrainEvent, { event: 'epoch' }>;

/** What an analysis gets: one run's trained model and everything it was trained from. */
export interface AnalysisContext<O = Record<string, unknown>> {
  run: string;
  model: CompiledModel;
  /** The graph as trained (patched, budget's dataset overrides applied). */
  graph: Graph;
  /** The effective training settings (graph → budget → run overrides). */
  config: TrainingConfig;
  data: LoadedDataset;
  /** The epoch events of the run, in order. */
  history: EpochEvent[];
  /** The run's training metrics (testAccuracy, …). */
  training: Record<string, number>;
  /** A fresh model of the same graph and seed, untrained (the caller disposes it). */
  compileFresh(): CompiledModel;
  options: O;
}

/**
 * A named computation on a trained run that yields metrics template rules can name.
 * `options` checks the template's `analyses.<name>` object when the template is loaded.
 */
export interface Analysis<S extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  metrics: readonly string[];
  options: S;
  run(ctx: AnalysisContext<z.infer<S>>): Promise<Record<string, number>>;
}

export function defineAnalysis<S extends z.ZodType>(analysis: Analysis<S>): Analysis<S> {
  return analysis;
}
