/**
 * Checkpoint files: everything an interrupted exhaustive run needs to continue to exactly the same
 * result (seen set, state log, frontier, liveness graph, counters), as one binary file: a magic
 * word, a JSON header describing the parts, then each part's raw Uint32 words, 4-byte aligned.
 * Written to a temporary file and renamed, so a crash while writing never leaves a torn checkpoint.
 */
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

const MAGIC = 'HMMCKPT1';

/** A store's state: JSON-able fields plus typed arrays. */
export interface Parts {
  readonly meta: Record<string, unknown>;
  readonly arrays: readonly Uint32Array[];
}

export interface CheckpointFile {
  /** Identifies the run (model, variant, constants, strategy, version): resume refuses a mismatch. */
  readonly run: Record<string, unknown>;
  readonly parts: Readonly<Record<string, Parts>>;
}

export function writeCheckpoint(path: string, file: CheckpointFile): void {
  const layout: Record<string, { meta: Record<string, unknown>; lengths: number[] }> = {};
  for (const [name, p] of Object.entries(file.parts)) layout[name] = { meta: p.meta, lengths: p.arrays.map((a) => a.length) };
  const header = Buffer.from(JSON.stringify({ run: file.run, layout }), 'utf8');
  const pad = (4 - ((MAGIC.length + 4 + header.length) % 4)) % 4;
  const prefix = Buffer.alloc(MAGIC.length + 4 + header.length + pad);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, MAGIC.length);
  header.copy(prefix, MAGIC.length + 4);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, prefix);
    for (const p of Object.values(file.parts)) {
      for (const a of p.arrays) writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export class CheckpointError extends Error {}

export function readCheckpoint(path: string): CheckpointFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new CheckpointError(`${path} is not an hmmcheck checkpoint`);
  const headerLen = buf.readUInt32LE(MAGIC.length);
  let header: { run: Record<string, unknown>; layout: Record<string, { meta: Record<string, unknown>; lengths: number[] }> };
  try {
    header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLen));
  } catch {
    throw new CheckpointError(`checkpoint ${path} has a damaged header`);
  }
  let off = MAGIC.length + 4 + headerLen;
  off += (4 - (off % 4)) % 4;
  const parts: Record<string, Parts> = {};
  for (const [name, l] of Object.entries(header.layout)) {
    const arrays = l.lengths.map((len) => {
      if (off + len * 4 > buf.length) throw new CheckpointError(`checkpoint ${path} is truncated`);
      // Copy out: the file buffer is not guaranteed to be 4-byte aligned.
      const a = new Uint32Array(len);
      new Uint8Array(a.buffer).set(buf.subarray(off, off + len * 4));
      off += len * 4;
      return a;
    });
    parts[name] = { meta: l.meta, arrays };
  }
  return { run: header.run, parts };
}
