/** Reductions (test/models/hmm/reductionTests.ts) on M3; the other HMM models in the other reductions*.test.ts. */
import { describe } from 'vitest';
import { hmmModels } from '../../../models/hmm';
import { reductionTests } from './reductionTests';

describe('reductions on the HMM models M3', () => {
  reductionTests(hmmModels.filter((m) => /^hmm\/m3-/.test(m.name)));
});
