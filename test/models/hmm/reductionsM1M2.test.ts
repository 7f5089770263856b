/** Reductions (test/models/hmm/reductionTests.ts) on M1 and M2; M3 and M4–M6 in their own files. */
import { describe, expect, it } from 'vitest';
import { hmmModels } from '../../../models/hmm';
import { reductionTests } from './reductionTests';

describe('reductions on the HMM models M1 and M2', () => {
  const rows = reductionTests(hmmModels.filter((m) => /^hmm\/m[12]-/.test(m.name)));

  it('reduce where they apply: symmetry on M2, partial-order reduction on M1-2015 and M2', () => {
    const fixed = (m: string) => rows.find((r) => r.model === m && r.variant === 'fixed')!;
    expect(fixed('hmm/m2-device-fault').symmetry!.distinct).toBeLessThan(fixed('hmm/m2-device-fault').distinct);
    expect(fixed('hmm/m2-device-fault').por.distinct).toBeLessThan(fixed('hmm/m2-device-fault').distinct);
    expect(fixed('hmm/m1-mirror-2015').por.distinct).toBeLessThan(fixed('hmm/m1-mirror-2015').distinct);
  });
});
