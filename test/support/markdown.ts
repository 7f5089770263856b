/** The rows of a markdown table's body, split into trimmed cells. */
export function tableRows(text: string, cells: number): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split(' | ').map((c) => c.replace(/^\| /, '').replace(/ \|$/, '').trim()).slice(0, cells));
}

/** A fenced code block: its language, the `file=PATH` it names after the language (if any), and its text. */
export interface FencedBlock {
  readonly lang: string;
  readonly file?: string;
  readonly body: string;
}

/** The fenced code blocks of a markdown text, in order (```lang file=PATH … ```). */
export function fencedBlocks(text: string): FencedBlock[] {
  const out: FencedBlock[] = [];
  for (const m of text.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```\s*$/gm)) {
    const file = /\bfile=(\S+)/.exec(m[2]!)?.[1];
    out.push({ lang: m[1]!, ...(file ? { file } : {}), body: m[3]! });
  }
  return out;
}
