/** Fast effects against immer on every registry model but M3's (compiledM3.test.ts): test/checker/engine/identicalGraphs.ts. */
import { describe } from 'vitest';
import { registry } from '../../../models';
import { identicalGraphTests, isM3 } from './identicalGraphs';

describe('fast effects (packed drafts, and generated copies) and immer drafts', () => {
  identicalGraphTests(registry.filter((m) => !isM3(m)));
});
