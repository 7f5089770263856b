/**
 * The `view` and `graph` command functions (checker/cli/commands/view.ts, graph.ts), called as the
 * CLI will call them once they are wired into main.ts: args object and print callback in, exit
 * code out, UsageError for bad input.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphCommand } from '../../../checker/cli/commands/graph';
import { defaultHtmlPath, viewCommand } from '../../../checker/cli/commands/view';
import { UsageError } from '../../../checker/engine/errors';
import { runCli } from '../../support/cli';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-view-'));
const trace = join(tmp, 'race.json');
/** A trace of a spec module views only with that module named (a trace never loads code). */
const spec = 'test/fixtures/viewerRace.ts';

function printer() {
  const lines: string[] = [];
  return { lines, print: (s: string) => void lines.push(s) };
}

beforeAll(() => {
  const r = runCli(['check', spec, '--out', trace, '--no-coverage']);
  expect(r.code).toBe(12);
});

describe('view command', () => {
  it('writes the HTML page to -o and says how to open it', async () => {
    const out = join(tmp, 'race-o.html');
    const p = printer();
    expect(await viewCommand({ file: trace, spec, out }, p.print)).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    expect(p.lines).toEqual([`Wrote ${out}: 11 steps, 4 thread lanes. Open it in a browser (no server needed; j/k or the arrow keys step through).`]);
  });

  it('writes next to the trace by default', async () => {
    expect(defaultHtmlPath('t.json')).toBe('t.html');
    expect(defaultHtmlPath('a/t.itf.json')).toBe('a/t.itf.html');
    expect(defaultHtmlPath('trace')).toBe('trace.html');
    expect(await viewCommand({ file: trace, spec }, () => {})).toBe(0);
    expect(existsSync(join(tmp, 'race.html'))).toBe(true);
  });

  it('prints the text view with --text', async () => {
    const p = printer();
    expect(await viewCommand({ file: trace, spec, text: true }, p.print)).toBe(0);
    const lines = p.lines.join('\n').split('\n');
    expect(lines[1]).toBe('Invariant NoUAF is violated at step 11: a freed device is never touched.');
    expect(lines).toContain(' #  Teardown  Unreg  Fault0  Fault1  environment');
    expect(lines.some((l) => /^11 {2}.*F4 .*mutex_lock\(&dev->mutex\) {3}<== NoUAF violated$/.test(l))).toBe(true);
  });

  it('rejects a missing or malformed trace file with a usage error', async () => {
    await expect(viewCommand({ file: join(tmp, 'nope.json') }, () => {})).rejects.toThrow(/^cannot read trace file .*nope\.json: ENOENT$/);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, readFileSync(trace, 'utf8').slice(0, 300));
    await expect(viewCommand({ file: bad }, () => {})).rejects.toThrow(UsageError);
    await expect(viewCommand({ file: bad }, () => {})).rejects.toThrow(/^malformed trace file .*bad\.json: not valid JSON/);
    await expect(viewCommand({ file: trace, text: true, width: 10 }, () => {})).rejects.toThrow('--width must be an integer of at least 40');
  });
});

describe('graph command', () => {
  it('writes DOT to -o and reports the size', async () => {
    const out = join(tmp, 'tp.dot');
    const p = printer();
    expect(await graphCommand({ model: 'reference/twophase', out }, p.print)).toBe(0);
    expect(p.lines).toEqual([`Wrote ${out} (dot): reference/twophase variant fixed (RM=3): 288 states, 1,145 transitions.`]);
    expect(readFileSync(out, 'utf8').split('\n').filter((l) => /^ {2}s\d+ \[/.test(l))).toHaveLength(288);
  });

  it('writes JSON when asked or when -o ends in .json, and prints to stdout without -o', async () => {
    const out = join(tmp, 'dh.json');
    const p = printer();
    expect(await graphCommand({ model: 'reference/diehard', out, highlightTrace: true }, p.print)).toBe(0);
    expect(p.lines[1]).toBe('Highlighted the counterexample to NotSolved: 6 steps.');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.counterexample.actions).toHaveLength(6);
    const s = printer();
    expect(await graphCommand({ model: 'reference/diehard', format: 'json' }, s.print)).toBe(0);
    expect(JSON.parse(s.lines.join('\n')).nodes).toHaveLength(doc.nodes.length);
    const none = printer();
    await graphCommand({ model: 'reference/twophase', const: ['RM=1'], out: join(tmp, 'tp1.dot'), highlightTrace: true }, none.print);
    expect(none.lines[1]).toBe('Every property holds: there is no counterexample to highlight.');
  });

  it('refuses large state spaces and bad flags with usage errors', async () => {
    await expect(graphCommand({ model: 'reference/twophase', maxStates: 100 }, () => {})).rejects.toThrow(
      'the state space has more than 100 states, the graph export limit; a graph that size is unreadable — shrink the model with --const, or raise the limit with --max-states N',
    );
    await expect(graphCommand({ model: 'reference/twophase', maxStates: 0 }, () => {})).rejects.toThrow('--max-states must be a positive integer');
    await expect(graphCommand({ model: 'reference/twophase', format: 'svg' as 'dot' }, () => {})).rejects.toThrow("--format must be dot or json, got 'svg'");
    await expect(graphCommand({ model: 'nope' }, () => {})).rejects.toThrow(/^unknown model 'nope'/);
  });
});
