/**
 * What a training run reports, in order: start, step…, epoch…, then done or error.
 * The same objects go to the CLI's --json lines, the protocol and the app's charts.
 */
export interface MetricValues {
  loss: number;
  [metric: string]: number;
}

export type TrainEvent =
  | {
      event: 'start';
      backend: string;
      parameters: number;
      epochs: number;
      stepsPerEpoch: number;
      totalSteps: number;
      /** Step the run resumes from (0 for a fresh run). */
      fromStep: number;
    }
  | {
      event: 'step';
      step: number;
      epoch: number;
      loss: number;
      metrics: Record<string, number>;
      elapsedMs: number;
      etaMs: number;
      /** Tokens routed to each expert in this step, by MoE node id. */
      routing?: Record<string, number[]>;
    }
  | {
      event: 'epoch';
      epoch: number;
      step: number;
      train: MetricValues;
      test: MetricValues;
      elapsedMs: number;
    }
  | { event: 'checkpoint'; dir: string; step: number; epoch: number }
  | {
      event: 'done';
      backend: string;
      stopped: boolean;
      steps: number;
      elapsedMs: number;
      metrics: { trainLoss: number; trainAccuracy?: number; testLoss: number; testAccuracy?: number };
    }
  | { event: 'error'; code: 'nan' | 'data' | 'graph' | 'internal' | 'backend'; message: string; step?: number; nodeId?: string };

export type TrainEventName = TrainEvent['event'];
