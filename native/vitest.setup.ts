import { useNativeKernelsForCpu } from '../engine/backend/native/standInForCpu.js';

useNativeKernelsForCpu();
