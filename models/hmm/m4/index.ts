/**
 * The M4 models (hmm-domain.md §3 M4, "all four at once"): two registry models sharing the harness
 * of ./harness.ts and the threads of M1–M3 — `hmm/m4-2019` (hmm_mirror era) and `hmm/m4-now`
 * (interval-notifier era). Two models rather than one with an era switch, because the eras share
 * no variant but `fixed` and their `fixed` verdicts differ (2019 has no bug-free form for H3).
 */
import type { ModelDef } from '../../../spec/model';
import { m4Era2019 } from './era2019';
import { m4Now } from './now';

export const m4Models: readonly ModelDef<any>[] = [m4Era2019, m4Now];
