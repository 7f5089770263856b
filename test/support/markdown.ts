/** The rows of a markdown table's body, split into trimmed cells. */
export function tableRows(text: string, cells: number): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split(' | ').map((c) => c.replace(/^\| /, '').replace(/ \|$/, '').trim()).slice(0, cells));
}
