/** The HMM models (see ../../../shared/hmm-domain.md, section 3). */
import type { ModelDef } from '../../spec/model';

export const hmmModels: readonly ModelDef<any>[] = [];
