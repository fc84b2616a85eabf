import { z } from 'zod';

/**
 * Graph file format v1 (`*.loom.json`). Pure data: loading never executes anything
 * from the file. Parameters are checked per node kind by the validator, not here,
 * so that one bad node does not hide the problems of the others.
 */
export const GRAPH_FORMAT = 'tensorloom.graph';
export const GRAPH_VERSION = 1;

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, _ . : -');
const finite = z.number().finite();
const paramValue = z.union([finite, z.boolean(), z.string().max(1000)]);

export const PositionSchema = z.object({ x: finite, y: finite });

export const NodeSchema = z.object({
  id,
  type: z.string().min(1).max(64),
  label: z.string().max(200).optional(),
  params: z.record(z.string(), paramValue).optional(),
  position: PositionSchema.optional(),
});

export const EdgeSchema = z.object({
  id: z.string().max(200).optional(),
  source: id,
  sourcePort: z.string().min(1).max(64).optional(),
  target: id,
  targetPort: z.string().min(1).max(64).optional(),
});

export const DatasetRefSchema = z.object({
  name: z.string().min(1).max(64),
  params: z.record(z.string(), paramValue).optional(),
  testFraction: z.number().gt(0).lt(1).optional(),
});

export const OptimizerSchema = z.object({
  type: z.enum(['sgd', 'adam', 'adamw']),
  learningRate: z.number().gt(0).max(10),
  momentum: z.number().min(0).lt(1).optional(),
  nesterov: z.boolean().optional(),
  beta1: z.number().min(0).lt(1).optional(),
  beta2: z.number().min(0).lt(1).optional(),
  eps: z.number().gt(0).max(1).optional(),
  weightDecay: z.number().min(0).max(10).optional(),
});

export const ForwardForwardSchema = z.object({
  threshold: z.number().gt(0).max(1e6).optional(),
  /** Label channels written into the first pixels of each input. */
  labelPixels: z.number().int().min(1).max(100).optional(),
});

export const TrainingSchema = z.object({
  optimizer: OptimizerSchema,
  batchSize: z.number().int().min(1).max(1 << 16),
  epochs: z.number().int().min(1).max(100000),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  sam: z.object({ rho: z.number().gt(0).max(10) }).optional(),
  method: z.enum(['backprop', 'forward-forward']).optional(),
  forwardForward: ForwardForwardSchema.optional(),
  /** Cap on steps per epoch (for quick runs); the whole split when absent. */
  stepsPerEpoch: z.number().int().min(1).optional(),
  /** Evaluate on the test split every N epochs (1 = every epoch). */
  evalEvery: z.number().int().min(1).optional(),
  gradClip: z.number().gt(0).optional(),
});

export const GraphSchema = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  meta: z
    .object({
      title: z.string().max(200).optional(),
      description: z.string().max(20000).optional(),
      template: z.string().max(100).optional(),
    })
    .optional(),
  dataset: DatasetRefSchema,
  nodes: z.array(NodeSchema).max(100000),
  edges: z.array(EdgeSchema).max(400000),
  training: TrainingSchema.optional(),
});

export type GraphNode = z.infer<typeof NodeSchema>;
export type GraphEdge = z.infer<typeof EdgeSchema>;
export type DatasetRef = z.infer<typeof DatasetRefSchema>;
export type OptimizerConfig = z.infer<typeof OptimizerSchema>;
export type TrainingConfig = z.infer<typeof TrainingSchema>;
export type Graph = z.infer<typeof GraphSchema>;

export const DEFAULT_TRAINING: TrainingConfig = {
  optimizer: { type: 'adam', learningRate: 0.01 },
  batchSize: 64,
  epochs: 20,
  seed: 1,
};
