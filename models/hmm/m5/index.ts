/** hmm/m5-hmm-pt (hmm-domain.md §3 M5): the 2015 HMM page table and its iterator. */
export { m5HmmPt } from './hmmPt';
