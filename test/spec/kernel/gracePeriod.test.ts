import { describe, expect, it } from 'vitest';
import { gpCall, gpCallbackReady, gpFields, gpInit, gpNormalize, gpOver, gpReaderEnter, gpReaderExit, gpSyncEnd, gpSyncReady, gpSyncStart, type GpFlavor } from '../../../spec/kernel/gracePeriod';

const F: GpFlavor = { name: 'xrcu', synchronize: 'synchronize_xrcu', call: 'call_xrcu' };

describe('the grace-period core', () => {
  it('a grace period waits exactly for the sections that started at or before its target', () => {
    const gp = gpInit(['A', 'B', 'S'], ['cb']);
    gpReaderEnter(gp, 'A', F);
    gpSyncStart(gp, 'S', F);
    gpReaderEnter(gp, 'B', F);
    gpCall(gp, 'cb', F);
    expect(gpSyncReady(gp, 'S', F)).toBe(false);
    gpReaderExit(gp, 'A', F);
    expect(gpSyncReady(gp, 'S', F)).toBe(true);
    expect(gpCallbackReady(gp, 'cb', F)).toBe(false); // B was inside at call time
    gpReaderExit(gp, 'B', F);
    expect(gpCallbackReady(gp, 'cb', F)).toBe(true);
    gpSyncEnd(gp, 'S', F);
    expect(gpOver(gp, gp.epoch)).toBe(true);
  });

  it('renumbering keeps the order and bounds the values; the schema bound is 2·threads + callbacks', () => {
    const gp = { epoch: 7, reader: { A: 3, B: null }, target: { A: null, B: 5 } };
    gpNormalize(gp);
    expect(gp).toEqual({ epoch: 2, reader: { A: 0, B: null }, target: { A: null, B: 1 } });
    const fields = gpFields(['A', 'B'], ['cb']);
    expect(fields.epoch).toEqual({ kind: 'int', min: 0, max: 5 });
    expect(Object.keys(fields)).toEqual(['epoch', 'reader', 'target', 'pending']);
  });

  it("modelling mistakes name the flavour's API", () => {
    const gp = gpInit(['S'], []);
    expect(() => gpSyncReady(gp, 'S', F)).toThrow('synchronize_xrcu by S: step 2 without step 1');
    expect(() => gpReaderEnter(gp, 'X', F)).toThrow("xrcu: thread X is not in the xrcu's domain (list it in xrcuType/xrcuInit)");
    expect(() => gpCall(gp, 'cb', F)).toThrow('xrcu: callback cb: this xrcu has no callbacks');
    gpSyncStart(gp, 'S', F);
    expect(() => gpSyncStart(gp, 'S', F)).toThrow('synchronize_xrcu by S: already synchronizing');
  });
});
