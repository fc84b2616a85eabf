import type { NodeKind } from '../kind.js';
import { Input } from './input.js';

export const dataKinds: NodeKind<any>[] = [Input];
