/**
 * Promela rendering of models/reference/beemPeterson.ts (BEEM peterson.N) for SPIN: one d_step per
 * DVE transition, so SPIN's stored states and transitions equal our distinct and generated counts.
 * Written from the same reading of BEEM's compiled successor function as the model: BEEM's own
 * peterson.4.pm is not in our source index, and the bench cannot fetch it (no network here).
 */
export function beemPetersonPromela(n: number): string {
  return `/* BEEM peterson.${n}: Peterson's filter lock; hmmcheck's models/reference/beemPeterson.ts */
#define N ${n}
byte pos[N];
byte step[N];
active [N] proctype P() {
  byte j = 0, k = 0, pc = 0; /* pc: 0 NCS, 1 CS, 2 loop, 3 set, 4 scan */
  do
  :: d_step { pc == 0 -> pc = 2; j = 1 }
  :: d_step { pc == 2 && j < N -> pc = 3; pos[_pid] = j }
  :: d_step { pc == 2 && j == N -> pc = 1 }
  :: d_step { pc == 3 -> pc = 4; step[j - 1] = _pid; k = 0 }
  :: d_step { pc == 4 && k < N && (k == _pid || pos[k] < j) -> k++ }
  :: d_step { pc == 4 && (step[j - 1] != _pid || k == N) -> pc = 2; j++ }
  :: d_step { pc == 1 -> pc = 0; pos[_pid] = 0 }
  od
}
`;
}
