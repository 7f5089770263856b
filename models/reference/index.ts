/**
 * Reference models with published state counts (tlaplus/Examples for TLC, CMurphi's n_peterson, BEEM),
 * ported faithfully as correctness tests of the checker.
 */
import type { ModelDef } from '../../spec/model';
import { beemAnderson } from './beemAnderson';
import { beemPeterson } from './beemPeterson';
import { dieHard } from './dieHard';
import { diningPhilosophers } from './diningPhilosophers';
import { lamportMutex } from './lamportMutex';
import { multiPaxos } from './multiPaxos';
import { nPeterson } from './nPeterson';
import { paxos } from './paxos';
import { peterson } from './peterson';
import { simpleAllocator } from './simpleAllocator';
import { tcommit } from './tcommit';
import { twoPhase } from './twoPhase';

export const referenceModels: readonly ModelDef<any>[] = [dieHard, tcommit, twoPhase, peterson, diningPhilosophers, nPeterson, simpleAllocator, paxos, multiPaxos, lamportMutex, beemPeterson, beemAnderson];
