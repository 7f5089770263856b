/**
 * Citations of hmm/m5-hmm-pt's steps: the functions of "[PATCH 06/36] HMM: add HMM page table v2."
 * (posted to linux-mm, never merged; no tree to point at, so each cites the mail) that the step
 * docs name, and v3's fixed hmm_pt_fini_directory.
 */
import { mailSource, type StepSource } from '../../../spec/citation';

/** The v2 patch (iterator.ts V2). */
const v2 = mailSource('1432236705-4209-7-git-send-email-j.glisse@gmail.com');
/** v3's "Fix hmm_pt_fini_directory()". */
const v3 = mailSource('1437159145-6548-7-git-send-email-jglisse@redhat.com');

/** Step label → the function it follows; `finiDirectoryV2`: Z2 is the posted hmm_pt_fini_directory (H12), else v3's. */
export function m5Sources(finiDirectoryV2: boolean): Readonly<Record<string, StepSource>> {
  return {
    R1: v2('hmm_pt_iter_update'),
    R2: v2('hmm_pt_iter_protect_directory'),
    W3: v2('hmm_pt_iter_directory_lock'),
    W4: v2('hmm_pt_iter_update'),
    W5: v2('hmm_pt_iter_directory_unref'),
    W6: [v2('hmm_pt_iter_directory_unlock'), v2('hmm_pt_iter_fini')],
    F3: v2('hmm_pt_iter_fault'),
    F4: [v2('hmm_pt_iter_fault'), v2('hmm_pt_directory_lock')],
    F5: v2('hmm_pt_iter_fault'),
    F5s: v2('hmm_pt_iter_fault'),
    F6: v2('hmm_pt_iter_directory_ref'),
    F6u: [v2('hmm_pt_directory_unlock'), v2('hmm_pt_iter_fault')],
    F7: v2('hmm_pt_iter_directory_lock'),
    F8: v2('hmm_pt_iter_fault'),
    F9: v2('hmm_pt_iter_directory_ref'),
    F10: [v2('hmm_pt_iter_directory_unlock'), v2('hmm_pt_iter_fini')],
    U1: v2('hmm_pt_iter_directory_unref_safe'),
    U2: v2('hmm_pt_directory_lock'),
    U3: v2('hmm_pt_iter_directory_unref_safe'),
    U4: v2('hmm_pt_directory_unlock'),
    U5: v2('hmm_pt_iter_directory_unref'),
    U6a: v2('hmm_pt_iter_fini'),
    U6b: v2('hmm_pt_iter_fini'),
    U7: v2('hmm_pt_iter_fini'),
    Z1: v2('hmm_pt_fini'),
    Z2: finiDirectoryV2 ? v2('hmm_pt_fini_directory') : v3('hmm_pt_fini_directory'),
    Z3: v2('hmm_pt_fini'),
  };
}
