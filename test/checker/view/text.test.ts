import { describe, expect, it } from 'vitest';
import { formatTraceViewText } from '../../../checker/view/text';
import { buildTraceView } from '../../../checker/view/traceView';
import { itfOf, VIEWER_LABELS, viewerSpec } from '../../fixtures/viewerSpec';

const lasso = buildTraceView(itfOf(viewerSpec, VIEWER_LABELS, { loop: 3 }), viewerSpec);

describe('trace view as text', () => {
  it('lays lanes out as columns when they fit in 100 characters', () => {
    const text = formatTraceViewText(lasso);
    expect(text).toBe(`viewer-spec, variant fixed: 9 steps
Invariant Small is violated at step 9: n stays below 3.

 #  A     B     W        environment
 0  |     |     |                     initial state
    |     |     |                       m: owner=null
    |     |     |                       sem: readers={}, writer=null, waiting={}
    |     |     |                       rd: [A]=null, [B]=null, [W]=null
    |     |     |                       n = 0
    |     |     |                       A: pc=lock, k=0
    |     |     |                       B: pc=lock, k=0
    |     |     |                       W: pc=wait
 1  lock  |     |                     mutex_lock(&m)
    |     |     |                       m.owner: null -> A
    |     |     |                       holds: A: m.owner
 2  read  |     |                     down_read(&sem)
    |     |     |                       sem.readers: {} -> {A}
    |     |     |                       holds: A: m.owner, sem.readers
 3  |     |     wait                  down_write(&sem): queue   <- loop starts here
    |     |     |                       sem.waiting: {} -> {W}
    |     |     |                       holds: A: m.owner, sem.readers; W: waits for sem.waiting
 4  |     |     |        Tick(1)      the clock ticks
    |     |     |                       n: 0 -> 1
 5  work  |     |                     n++
    |     |     |                       n: 1 -> 2
    |     |     |                       A.k: 0 -> 1
 6  up    |     |                     up_read(&sem); mutex_unlock(&m)   [done]
          |     |                       m.owner: A -> null
          |     |                       sem.readers: {A} -> {}
          |     |                       holds: W: waits for sem.waiting
 7        |     down                  down_write(&sem): acquire; srcu_read_lock
          |     |                       sem.writer: null -> W
          |     |                       sem.waiting: {W} -> {}
          |     |                       rd[W]: null -> 0
          |     |                       holds: W: sem.writer, rd[W]
 8        |     release               up_write(&sem); srcu_read_unlock; again   [-> wait]
          |     |                       sem.writer: W -> null
          |     |                       rd[W]: 0 -> null
          |     |                       holds: (none)
 9        |     |        Tick(2)      the clock ticks   <== Small violated
          |     |                       n: 2 -> 3
                                      (back to the state after step 3)

Final state (after step 9):
  m: owner=null
  sem: readers={}, writer=null, waiting={}
  rd: [A]=null, [B]=null, [W]=null
  n = 3
  A: pc=done, k=1
  B: pc=lock, k=0
  W: pc=wait`);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('falls back to one block per step, lane named first, when the lanes do not fit', () => {
    const lines = formatTraceViewText(lasso, { width: 60 }).split('\n');
    expect(lines).not.toContain(' #  A     B     W        environment');
    expect(lines).toContain(' 1  A lock  -- mutex_lock(&m)');
    expect(lines).toContain(' 4  environment Tick(1)  -- the clock ticks');
    expect(lines).toContain('      holds: W: sem.writer, rd[W]');
    expect(lines).toContain('      holds: W: waits for sem.waiting');
    expect(lines).toContain(' 3  W wait  -- down_write(&sem): queue   <- loop starts here');
    expect(lines).toContain('    (back to the state after step 3)');
    expect(lines.findIndex((l) => l.startsWith(' 9  environment Tick(2)'))).toBeGreaterThan(0);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('says so when the trace no longer violates its property', () => {
    const text = formatTraceViewText(buildTraceView(itfOf(viewerSpec, ['A.lock']), viewerSpec));
    expect(text.split('\n')[1]).toBe('Small holds at every state of this trace by the current model: the trace no longer reproduces it.');
  });
});
