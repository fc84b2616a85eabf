import type { NodeKind } from '../kind.js';
import { ModAttn } from './modAttn.js';
import { Script } from './script.js';

export const interpreterKinds: NodeKind<any>[] = [ModAttn, Script];
