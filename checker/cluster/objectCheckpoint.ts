/**
 * Checkpoints in the JetStream object store: the same verified format as checkpoint files
 * (store/checkpoint.ts: checksums over the header and every part), written through a temporary
 * file, so a checkpoint fetched on another machine is checked in full before it is restored.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore } from '@nats-io/obj';
import { readCheckpoint, writeCheckpoint, type CheckpointFile } from '../store/checkpoint';

function withTempFile<T>(f: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-ckpt-'));
  try {
    return f(join(dir, 'checkpoint'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Stores a checkpoint under `name`; returns its size in bytes. */
export async function putCheckpoint(store: ObjectStore, name: string, file: CheckpointFile): Promise<number> {
  const bytes = withTempFile((path) => {
    writeCheckpoint(path, file);
    return readFileSync(path);
  });
  await store.putBlob({ name }, bytes);
  return bytes.length;
}

/**
 * Stores a checkpoint file as it is on disk; false if the file is gone: uploads are queued, and a
 * run that finished meanwhile removes its checkpoint, so there is nothing left to resume.
 */
export async function putCheckpointFile(store: ObjectStore, name: string, path: string): Promise<boolean> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  await store.putBlob({ name }, bytes);
  return true;
}

/** The checkpoint stored under `name`, verified; undefined if there is none. */
export async function getCheckpoint(store: ObjectStore, name: string): Promise<CheckpointFile | undefined> {
  const bytes = await store.getBlob(name);
  if (!bytes) return undefined;
  return withTempFile((path) => {
    writeFileSync(path, bytes);
    return readCheckpoint(path);
  });
}

/** Writes the checkpoint stored under `name` to `path` as it is (verified when it is read); false if there is none. */
export async function fetchCheckpointFile(store: ObjectStore, name: string, path: string): Promise<boolean> {
  const bytes = await store.getBlob(name);
  if (!bytes) return false;
  writeFileSync(path, bytes);
  return true;
}

/** Deletes every object whose name starts with `prefix`. */
export async function deleteObjects(store: ObjectStore, prefix: string): Promise<void> {
  for (const info of await store.list()) if (info.name.startsWith(prefix) && !info.deleted) await store.delete(info.name);
}
