/** Reductions (test/models/hmm/reductionTests.ts) on M4–M6; the other HMM models in the other reductions*.test.ts. */
import { describe } from 'vitest';
import { hmmModels } from '../../../models/hmm';
import { reductionTests } from './reductionTests';

describe('reductions on the HMM models M4–M6', () => {
  reductionTests(hmmModels.filter((m) => /^hmm\/m[456]-/.test(m.name)));
});
