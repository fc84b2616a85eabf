import type { NodeKind } from '../kind.js';
import { Add } from './add.js';
import { Concat } from './concat.js';
import { Flatten } from './flatten.js';
import { Patchify } from './patchify.js';
import { ClsToken } from './clsToken.js';
import { SelectToken } from './selectToken.js';
import { MeanPool } from './meanPool.js';

export const structureKinds: NodeKind<any>[] = [Add, Concat, Flatten, Patchify, ClsToken, SelectToken, MeanPool];
