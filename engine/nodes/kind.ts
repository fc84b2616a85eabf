import type { Scalar, Tensor, Variable } from '../tf.js';
import type { DatasetSpec } from '../data/spec.js';
import type { TensorType } from '../shapes/types.js';
import type { ParamSpecs, ParamsOf } from './params.js';

export type NodeGroup = 'Data' | 'Layers' | 'Activations' | 'Structure' | 'Mixture' | 'Neural Interpreters' | 'Losses';

export interface PortSpec {
  name: string;
  doc: string;
  optional?: boolean;
}

export interface ShapeContext<P> {
  nodeId: string;
  params: P;
  /** Types of the connected inputs, by port name (optional ports may be missing). */
  inputs: Record<string, TensorType>;
  /** The graph's dataset, when it is known; the Input node reads its shapes from it. */
  dataset: DatasetSpec | null;
}

export interface PortError {
  port?: string;
  message: string;
}

export type ShapeResult = { ok: true; outputs: Record<string, TensorType> } | { ok: false; errors: PortError[] };

export type Initializer =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  /** U(-limit, limit): PyTorch's default for Linear is limit = 1/sqrt(fanIn). */
  | { kind: 'uniform'; limit: number }
  | { kind: 'normal'; std: number };

export interface VariableSpec {
  name: string;
  shape: number[];
  init: Initializer;
}

export interface ForwardContext<P> {
  nodeId: string;
  params: P;
  /** Input tensors by port name. */
  inputs: Record<string, Tensor>;
  inputTypes: Record<string, TensorType>;
  /** This node's variables by their VariableSpec name. */
  vars: Record<string, Variable>;
  training: boolean;
  /** A seed that differs per node and per step (dropout masks). */
  seed: number;
  /** The batch fed to the graph (Input reads x and y from it). */
  feed: Record<string, Tensor>;
  /** Adds a weighted term to the training loss (MoE load balancing). */
  addAuxLoss(name: string, value: Scalar): void;
  /** Reports a metric of this step (accuracy), averaged by the trainer. */
  addMetric(name: string, value: Scalar): void;
  /** Keeps a tensor for inspection panels (routing counts, compatibilities). */
  record(key: string, value: Tensor): void;
}

/**
 * One node kind: ports, parameter schema, shape rule, variables and forward, in one
 * module, as tfjs-layers keeps one class per layer. The palette, the inspector and
 * the docs all read from this.
 */
export interface NodeKind<S extends ParamSpecs = ParamSpecs> {
  type: string;
  group: NodeGroup;
  /** One line for the palette. */
  summary: string;
  /** Longer documentation (Markdown) for the inspector. */
  doc: string;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  params: S;
  /** 'input' feeds data; 'loss' returns { loss } (a scalar) and is summed into the objective. */
  role?: 'input' | 'loss';
  inferShapes(ctx: ShapeContext<ParamsOf<S>>): ShapeResult;
  variables?(params: ParamsOf<S>, inputs: Record<string, TensorType>): VariableSpec[];
  forward(ctx: ForwardContext<ParamsOf<S>>): Record<string, Tensor>;
}

/** Identity helper that keeps the param types of a kind literal. */
export function defineKind<S extends ParamSpecs>(kind: NodeKind<S>): NodeKind<S> {
  return kind;
}

export function ok(outputs: Record<string, TensorType>): ShapeResult {
  return { ok: true, outputs };
}

export function fail(...errors: PortError[]): ShapeResult {
  return { ok: false, errors };
}

/** The port name a node has when it has only one input or output. */
export const DEFAULT_IN = 'in';
export const DEFAULT_OUT = 'out';
