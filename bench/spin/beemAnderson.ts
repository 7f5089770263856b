/**
 * Promela rendering of models/reference/beemAnderson.ts (BEEM anderson.N) for SPIN: one d_step
 * per DVE transition, so SPIN's stored states and transitions equal our distinct and generated
 * counts. Written from the same reading of BEEM's compiled successor function as the model.
 * slot[] starts as 1, 0, 0, …, which Promela's array initialiser cannot say without an init
 * process (a state of its own): it is stored XOR its initial value.
 */
export function beemAndersonPromela(n: number): string {
  return `/* BEEM anderson.${n}: Anderson's queue lock; hmmcheck's models/reference/beemAnderson.ts */
#define N ${n}
byte xslot[N];                               /* slot[k] XOR (k == 0) */
#define SLOT(k) (xslot[k] ^ ((k) == 0))
#define SETSLOT(k, v) xslot[k] = ((v) ^ ((k) == 0))
byte next = 0;
active [N] proctype P() {
  byte myPlace = 0, pc = 0; /* pc: 0 NCS, 1 take, 2 wait, 3 CS, 4 release */
  do
  :: d_step { pc == 0 -> pc = 1; myPlace = next; next++ }
  :: d_step { pc == 1 && myPlace == N - 1 -> pc = 2; next = next - N }
  :: d_step { pc == 1 && myPlace != N - 1 -> pc = 2; myPlace = myPlace % N }
  :: d_step { pc == 2 && SLOT(myPlace) == 1 -> pc = 3 }
  :: d_step { pc == 3 -> pc = 4; SETSLOT(myPlace, 0) }
  :: d_step { pc == 4 -> pc = 0; SETSLOT((myPlace + 1) % N, 1) }
  od
}
`;
}
