'use strict';
const autocannon = require('autocannon');
const crypto = require('node:crypto');
const { cpuMeter } = require('./process-cpu');
const { percentile } = require('./stats');
const { ioMeter } = require('./syscall-count');

/**
 * autocannon against `POST <url>/update` with the same signed body every time and a new
 * X-GitHub-Delivery per request (setupRequest runs before each request is written), so
 * every request is a new delivery that the server must store. Latencies are collected
 * from autocannon's response events at sub-millisecond resolution.
 */
async function runLoad({ url, body, headers, connections, duration, serverPid, nextBody }) {
  const latencies = [];
  const statuses = {};
  const serverCpu = cpuMeter(serverPid);
  const ownCpu = cpuMeter(process.pid);
  const serverIo = ioMeter(serverPid);
  const instance = autocannon({
    url,
    connections,
    duration,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/update',
        headers,
        body,
        setupRequest: (req) => {
          // nextBody: a new body per request (new commits), with its own signature
          const fresh = nextBody ? nextBody() : null;
          if (fresh) req.body = fresh.body;
          req.headers = { ...req.headers, ...(fresh ? fresh.headers : {}), 'x-github-delivery': crypto.randomUUID() };
          return req;
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] || 0) + 1;
    latencies.push(responseTime);
  });
  const result = await instance;
  const server = serverCpu();
  const io = serverIo();
  const loader = ownCpu();
  const ok = Object.entries(statuses)
    .filter(([code]) => code === '202')
    .reduce((n, [, c]) => n + c, 0);
  return {
    seconds: result.duration,
    accepted: ok,
    rps: ok / result.duration,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpu: server.own,
    // CPU milliseconds the server process spent per accepted request
    cpuMsPerRequest: ok > 0 ? (server.own * 10 * result.duration) / ok : NaN,
    // of which in the kernel (system time: syscalls, the file system, the network stack)
    sysCpuMsPerRequest: ok > 0 ? (server.sys * 10 * result.duration) / ok : NaN,
    loaderCpu: loader.own,
    // what the server wrote per accepted request (/proc/<pid>/io): write calls, bytes handed
    // to them (sockets and files), bytes sent to the block layer (the disk's share)
    writeCallsPerRequest: ok > 0 ? io.syscw / ok : NaN,
    writtenBytesPerRequest: ok > 0 ? io.wchar / ok : NaN,
    diskBytesPerRequest: ok > 0 ? io.writeBytes / ok : NaN,
  };
}

module.exports = { runLoad };
