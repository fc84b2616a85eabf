import type { NodeKind } from '../kind.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layerNorm.js';
import { Embedding } from './embedding.js';

export const layerKinds: NodeKind<any>[] = [Linear, Dropout, LayerNorm, Embedding];
