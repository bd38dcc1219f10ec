'use strict';
// The smart-HTTP git server of the backend benchmarks, in its own process: the server-side
// `git http-backend`/`upload-pack` processes then descend from this child, not from the
// benchmark, so the benchmark's memory sampling sees client-side processes only.
// Usage: node git-server-child.js <projectRoot>; prints the base URL, exits when stdin closes.
const { serveGitHttp } = require('../../dist/lib/demo/serve-git-http');

async function main() {
  const server = await serveGitHttp({ projectRoot: process.argv[2] });
  process.stdout.write(`${server.url}\n`);
  const stop = () => server.close().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
