/** Reference models ported from tlaplus/Examples: correctness tests against TLC's published counts. */
import type { ModelDef } from '../../spec/model';
import { dieHard } from './dieHard';
import { diningPhilosophers } from './diningPhilosophers';
import { peterson } from './peterson';
import { tcommit } from './tcommit';
import { twoPhase } from './twoPhase';

export const referenceModels: readonly ModelDef<any>[] = [dieHard, tcommit, twoPhase, peterson, diningPhilosophers];
