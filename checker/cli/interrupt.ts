/**
 * SIGINT/SIGTERM as a flag for a long run to poll: the run then stops at its next poll (and
 * checkpoints, if it was asked to) instead of the process dying mid-write.
 */
export function interruptFlag(): { readonly interrupted: () => boolean; readonly dispose: () => void } {
  let flag = false;
  const on = () => {
    flag = true;
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    interrupted: () => flag,
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
