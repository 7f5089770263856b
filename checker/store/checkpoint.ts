/**
 * Checkpoint files: everything an interrupted exhaustive run needs to continue to exactly the same
 * result (seen set, state log, frontier, liveness graph, counters), as one binary file, verified
 * in full before anything is restored:
 *
 *   "HMMCKPT" + format digit | header checksum (2 × u32) | header length (u32) | JSON header,
 *   zero-padded to 4 bytes | each part's raw Uint32 words, in header order
 *
 * The header (format, run identity, counters, each part's meta, array lengths and checksum) is
 * covered by the header checksum, which also covers the length word and the padding; each part's
 * words by its own checksum (store/checksum.ts). The file must end exactly after the last part.
 * Written to a temporary file and renamed, so a crash while writing never leaves a torn checkpoint.
 */
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { UsageError } from '../engine/errors';
import { checksumOf, sameChecksum } from './checksum';

const MAGIC = 'HMMCKPT';
/** Format 1 had no checksums; format 2 adds them; format 3 has the quotiented seen table and 6-byte state log records. */
export const CHECKPOINT_FORMAT = 3;
/** Why each older format cannot be resumed. */
const OLDER_FORMATS: Readonly<Record<string, string>> = { '1': 'no checksums', '2': '8-byte seen table slots and state log records' };
/** Magic word and format digit (8), header checksum (8), header length (4). */
const PREFIX_BYTES = 20;
/** Where the words covered by the header checksum start: the header length word. */
const HEADER_SUM_FROM = 16;

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

interface PartLayout {
  meta: Record<string, unknown>;
  lengths: number[];
  checksum: [number, number];
}

interface Header {
  format: number;
  run: Record<string, unknown>;
  parts: Record<string, PartLayout>;
}

/** A checkpoint that cannot be resumed: unreadable, of another format, or damaged (exit 150). */
export class CheckpointError extends UsageError {}

/** How refusals name the parts the engines write. */
const PART_NAMES: Readonly<Record<string, string>> = {
  seen: 'seen table',
  log: 'state log',
  frontier: 'frontier',
  labels: 'liveness labels',
  edges: 'state graph',
  counters: 'counters',
  run: 'run flags',
};

const partName = (name: string) => (Object.hasOwn(PART_NAMES, name) ? PART_NAMES[name]! : `'${name}' part`);

/** Copies bytes into a fresh (aligned) word array: a file buffer need not be 4-byte aligned. */
function wordsAt(buf: Buffer, from: number, words: number): Uint32Array {
  const a = new Uint32Array(words);
  new Uint8Array(a.buffer).set(buf.subarray(from, from + words * 4));
  return a;
}

const byteView = (a: Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function writeCheckpoint(path: string, file: CheckpointFile): void {
  const parts: Record<string, PartLayout> = {};
  for (const [name, p] of Object.entries(file.parts)) parts[name] = { meta: p.meta, lengths: p.arrays.map((a) => a.length), checksum: checksumOf(p.arrays) };
  const header: Header = { format: CHECKPOINT_FORMAT, run: file.run, parts };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - (json.length % 4)) % 4;
  const prefix = Buffer.alloc(PREFIX_BYTES + json.length + pad);
  prefix.write(`${MAGIC}${CHECKPOINT_FORMAT}`, 0, 'latin1');
  prefix.writeUInt32LE(json.length, HEADER_SUM_FROM);
  json.copy(prefix, PREFIX_BYTES);
  const [hi, lo] = checksumOf([wordsAt(prefix, HEADER_SUM_FROM, (prefix.length - HEADER_SUM_FROM) / 4)]);
  prefix.writeUInt32LE(hi, 8);
  prefix.writeUInt32LE(lo, 12);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, prefix);
    for (const p of Object.values(file.parts)) for (const a of p.arrays) writeSync(fd, byteView(a));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Reads and verifies a checkpoint; any damage is a CheckpointError naming the damaged part. */
export function readCheckpoint(path: string): CheckpointFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const damaged = (what: string) => new CheckpointError(`checkpoint ${path} is damaged: ${what}; it cannot be resumed`);
  if (buf.length < MAGIC.length + 1 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new CheckpointError(`${path} is not an hmmcheck checkpoint`);
  const format = buf.toString('latin1', MAGIC.length, MAGIC.length + 1);
  if (Object.hasOwn(OLDER_FORMATS, format)) {
    throw new CheckpointError(`checkpoint ${path} has format ${format} (${OLDER_FORMATS[format]}), written by an older hmmcheck; it cannot be resumed: start the run again`);
  }
  if (format !== String(CHECKPOINT_FORMAT)) {
    throw new CheckpointError(`checkpoint ${path} has an unknown format ${JSON.stringify(format)} (damaged, or written by another hmmcheck: this one reads format ${CHECKPOINT_FORMAT}); it cannot be resumed`);
  }
  if (buf.length < PREFIX_BYTES) throw damaged(`truncated within the header (${buf.length} bytes)`);
  const headerLen = buf.readUInt32LE(HEADER_SUM_FROM);
  const dataStart = PREFIX_BYTES + headerLen + ((4 - (headerLen % 4)) % 4);
  if (dataStart > buf.length) throw damaged(`the header length (${headerLen} bytes) runs past the end of the file`);
  const headerSum = checksumOf([wordsAt(buf, HEADER_SUM_FROM, (dataStart - HEADER_SUM_FROM) / 4)]);
  if (!sameChecksum([buf.readUInt32LE(8), buf.readUInt32LE(12)], headerSum)) throw damaged('header (run identity, counters, layout) checksum mismatch');
  const header = parseHeader(buf.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLen));
  if (!header) throw damaged('the header is not a checkpoint header');
  const layouts = Object.entries(header.parts);
  const expected = dataStart + 4 * layouts.reduce((n, [, l]) => n + l.lengths.reduce((a, b) => a + b, 0), 0);
  if (buf.length < expected) throw damaged(`truncated (${buf.length} of ${expected} bytes)`);
  if (buf.length > expected) throw damaged(`${buf.length - expected} unexpected bytes after the last part`);
  let off = dataStart;
  const parts = layouts.map(([name, l]) => {
    const arrays = l.lengths.map((len) => {
      const a = wordsAt(buf, off, len);
      off += len * 4;
      return a;
    });
    if (!sameChecksum(l.checksum, checksumOf(arrays))) throw damaged(`${partName(name)} checksum mismatch`);
    return [name, { meta: l.meta, arrays }] as const;
  });
  // fromEntries defines own properties, so a part named like an Object.prototype member stays data.
  return { run: header.run, parts: Object.fromEntries(parts) };
}

/** The header, if it is JSON of the expected shape (after its checksum matched: a written file always is). */
function parseHeader(text: string): Header | undefined {
  let h: unknown;
  try {
    h = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObject(h) || h.format !== CHECKPOINT_FORMAT || !isObject(h.run) || !isObject(h.parts)) return undefined;
  for (const l of Object.values(h.parts)) {
    if (!isObject(l) || !isObject(l.meta) || !Array.isArray(l.lengths) || !l.lengths.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  }
  return h as unknown as Header;
}
