/**
 * A step's doc where its label is already shown (a lane box, a lane column): without a leading
 * word the label starts with, since kernel step docs usually open with their step number
 * (`X7 mutex_unlock(&device->mutex) (b)` for step `X7b` reads `mutex_unlock(&device->mutex) (b)`).
 */
export function docBesideLabel(doc: string, label: string): string {
  const m = /^(\S{2,})\s+(.*)$/s.exec(doc);
  return m && label.startsWith(m[1]!) ? m[2]! : doc;
}
