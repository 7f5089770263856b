/** The M2 models (hmm-domain.md §3 M2): device fault vs invalidation. */
import type { ModelDef } from '../../../spec/model';
import { m2DeviceFault } from './deviceFault';

export const m2Models: readonly ModelDef<any>[] = [m2DeviceFault];
