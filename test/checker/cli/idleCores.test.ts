import { describe, expect, it } from 'vitest';
import { idleCores } from '../../../checker/cli/idleCores';

describe('idleCores: the default --workers', () => {
  it('is the cores less the one-minute load, rounded', () => {
    expect(idleCores(8, 2.6)).toBe(5);
    expect(idleCores(2, 0.4)).toBe(2);
    expect(idleCores(2, 0.6)).toBe(1);
  });

  it('is at least one on a busy machine and at most the cores', () => {
    expect(idleCores(2, 12.7)).toBe(1);
    expect(idleCores(4, 0)).toBe(4);
  });
});
