/**
 * Progress on stderr for long runs: a live line on a TTY, a periodic line otherwise.
 */
import type { Stats } from '../engine/result';

export interface Progress<T> {
  onProgress: (s: T) => void;
  done: () => void;
  /** How often callers should report (they may report more often: reports are throttled here). */
  progressMs: number;
}

/** A progress reporter printing `format(stats)`, at most once a second on a TTY, every 10 s otherwise. */
export function progress<T>(format: (s: T) => string, stream: NodeJS.WriteStream = process.stderr): Progress<T> {
  const tty = Boolean(stream.isTTY);
  const progressMs = tty ? 1000 : 10_000;
  let shown = false;
  let last = performance.now();
  return {
    progressMs,
    onProgress: (s) => {
      const now = performance.now();
      if (now - last < progressMs * 0.9) return;
      last = now;
      const line = `progress: ${format(s)}`;
      if (tty) {
        stream.write(`\r${line}\x1b[K`);
        shown = true;
      } else stream.write(line + '\n');
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

/** Progress of an exhaustive search. */
export function progressReporter(stream?: NodeJS.WriteStream): Progress<Stats> {
  const n = (x: number) => x.toLocaleString('en-US');
  return progress((s: Stats) => {
    const secs = s.elapsedMs / 1000;
    return `${n(s.distinct)} distinct, ${n(s.generated)} generated, depth ${s.depth}, ${n(Math.round(s.distinct / secs))} states/s, ${secs.toFixed(0)} s`;
  }, stream);
}
