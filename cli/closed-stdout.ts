/**
 * `integralgit status | head -1`: once the reader has closed the pipe, the rest of the
 * output has nowhere to go. Node reports that as an 'error' event on stdout, which, with no
 * listener, ends the process with a stack trace and exit code 1 after the command itself
 * succeeded. Like `ls | head`, the command finishes quietly with its own exit code; any
 * other error on stdout is still thrown.
 */
export function tolerateClosedStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}
