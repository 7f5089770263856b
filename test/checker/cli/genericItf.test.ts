/**
 * `view` and `replay` on an ITF trace hmmcheck did not write (a Quint trace): view draws it with
 * a note that the model is unknown; replay refuses it (exit 150); neither loads any code the trace
 * names.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayCommand } from '../../../checker/cli/commands/replay';
import { viewCommand } from '../../../checker/cli/commands/view';
import { UNKNOWN_MODEL_NOTE } from '../../../checker/view/genericView';
import { runCli } from '../../support/cli';

function printer() {
  const lines: string[] = [];
  return { lines, print: (s: string) => void lines.push(s) };
}

const QUINT = 'test/fixtures/quint-two-phase-commit.itf.json';
const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-generic-itf-'));

describe('a Quint ITF trace', () => {
  it('view --text shows it, saying the model is unknown (exit 0)', () => {
    const r = runCli(['view', QUINT, '--text']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['two_phase_commit.qnt: 7 steps', UNKNOWN_MODEL_NOTE]);
    expect(r.stdout).toContain('resourceManagerStates[rm2]: Working -> Prepared');
  });

  it('view writes the HTML page, a lane per variable group', async () => {
    const out = join(tmp, 'quint.html');
    const p = printer();
    expect(await viewCommand({ file: QUINT, out }, p.print)).toBe(0);
    expect(p.lines).toEqual([`Wrote ${out}: 7 steps, 4 variable lanes (not an hmmcheck trace: the model is unknown). Open it in a browser (no server needed; j/k or the arrow keys step through).`]);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('data-testid="unknown-model"');
    expect(html.match(/data-testid="lane"/g)).toHaveLength(4);
  });

  it('replay refuses it: not an hmmcheck trace (exit 150, one line)', () => {
    const r = runCli(['replay', QUINT]);
    expect(r.code).toBe(150);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `hmmcheck: trace ${QUINT} is not an hmmcheck trace (no #meta.hmmcheck; its source is two_phase_commit.qnt): replay needs the hmmcheck model it was checked against; hmmcheck view ${QUINT} shows it\n`,
    );
  });

  it('view --spec is refused for it: there is no spec module to compare', async () => {
    await expect(viewCommand({ file: QUINT, text: true, spec: 'test/fixtures/viewerRace.ts' }, printer().print)).rejects.toThrow(
      `trace ${QUINT} is not an hmmcheck trace (no #meta.hmmcheck); --spec is only for traces of a spec module`,
    );
  });

  it('a malformed one is still a malformed trace file', async () => {
    const bad = join(tmp, 'bad.itf.json');
    writeFileSync(bad, JSON.stringify({ '#meta': { source: 'x.qnt' }, states: [{}] }));
    await expect(viewCommand({ file: bad, text: true }, printer().print)).rejects.toThrow(`malformed trace file ${bad}: missing vars (a list of variable names)`);
    await expect(replayCommand({ file: bad }, printer().print)).rejects.toThrow(`malformed trace file ${bad}: missing vars (a list of variable names)`);
  });

  it('never loads the module its source names (the trust boundary)', () => {
    const marker = join(tmp, 'loaded');
    const hostile = join(tmp, 'hostile.itf.json');
    const doc = JSON.parse(readFileSync(QUINT, 'utf8'));
    doc['#meta'].source = resolve('test/fixtures/trust/payload.ts');
    writeFileSync(hostile, JSON.stringify(doc));
    process.env.HMMCHECK_TRUST_MARKER = marker;
    try {
      expect(runCli(['view', hostile, '--text']).code).toBe(0);
      expect(runCli(['replay', hostile]).code).toBe(150);
    } finally {
      delete process.env.HMMCHECK_TRUST_MARKER;
    }
    expect(existsSync(marker)).toBe(false);
  });
});
