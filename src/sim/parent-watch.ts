/**
 * Resolves when the process that started this one is gone. A server started by a harness must not outlive
 * it: when the parent dies the kernel gives this process a new parent (init, or a subreaper), so a change of
 * `process.ppid` (read afresh on every access) means the parent is gone, however it died.
 */
export function parentGone(intervalMs = 500): Promise<void> {
  const first = process.ppid;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (process.ppid !== first) {
        clearInterval(timer);
        resolve();
      }
    }, intervalMs);
    // The server's sockets keep the process alive; the watch alone must not.
    timer.unref();
  });
}
