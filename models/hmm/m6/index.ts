/** The M6 models (hmm-domain.md §3 M6): GUP-fast vs huge PFN mappings. */
import type { ModelDef } from '../../../spec/model';
import { m6GupFastPfnmap } from './gupFastPfnmap';

export const m6Models: readonly ModelDef<any>[] = [m6GupFastPfnmap];
