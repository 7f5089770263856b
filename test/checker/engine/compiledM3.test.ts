/** Fast effects against immer on M3's models (the others in compiled.test.ts): test/checker/engine/identicalGraphs.ts. */
import { describe } from 'vitest';
import { registry } from '../../../models';
import { identicalGraphTests, isM3 } from './identicalGraphs';

describe('fast effects (packed drafts) and immer drafts on M3', () => {
  identicalGraphTests(registry.filter(isM3));
});
