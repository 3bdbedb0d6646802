/** Whether a process exists; EPERM means it does, owned by someone else. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onGone` once when the process that started this one has exited. npm runs a script through
 * a shell, which does not pass on the SIGTERM or SIGINT npm forwards to it: a SIGTERM kills the
 * shell and leaves the host running, holding its port. `npm start` execs the host in the shell's
 * place (POSIX); this watch also covers npm killed outright and a shell without `exec`.
 * On POSIX an orphan is re-parented (its ppid changes); on Windows the old parent id stops existing.
 */
export function watchParent(onGone: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent && alive(parent)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  // The watch alone never keeps the process running.
  timer.unref();
  return () => clearInterval(timer);
}
