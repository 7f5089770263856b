/**
 * Progress on stderr for long runs: a live line on a TTY, a periodic line otherwise.
 */
import type { Stats } from '../engine/result';

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { onProgress: (s: Stats) => void; done: () => void; progressMs: number } {
  const tty = Boolean(stream.isTTY);
  const progressMs = tty ? 1000 : 10_000;
  let shown = false;
  let last = performance.now();
  return {
    progressMs,
    onProgress: (s) => {
      // Callers may report more often (the parallel search reports every level): throttle here.
      const now = performance.now();
      if (now - last < progressMs * 0.9) return;
      last = now;
      const secs = s.elapsedMs / 1000;
      const line = `progress: ${s.distinct.toLocaleString('en-US')} distinct, ${s.generated.toLocaleString('en-US')} generated, depth ${s.depth}, ${Math.round(s.distinct / secs).toLocaleString('en-US')} states/s, ${secs.toFixed(0)} s`;
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
