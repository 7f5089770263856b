/** Reference models ported from tlaplus/Examples: correctness tests against TLC's published counts. */
import type { ModelDef } from '../../spec/model';

export const referenceModels: readonly ModelDef<any>[] = [];
