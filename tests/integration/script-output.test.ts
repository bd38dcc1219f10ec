import v8 from 'node:v8';
import vm from 'node:vm';
import { runScript, ScriptResult } from '../../lib/script/run-script';
import { ScriptDir, baseScriptEnv } from '../fixtures/scripts/script-dir';

const MiB = 1024 * 1024;
/** A full garbage collection, to measure what is retained rather than what awaits collection. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const bytesOf = (chunks: ScriptResult['output']): number => chunks.reduce((n, c) => n + Buffer.byteLength(c.text), 0);

describe('runScript: output', () => {
  let wc: ScriptDir;
  beforeEach(() => {
    wc = new ScriptDir();
  });
  afterEach(() => wc.remove());

  it('streams 100 MB of output with flat memory, keeping the last 1 MiB behind a marker', async () => {
    const total = 100 * 1000 * 1000;
    wc.write('deploy.sh', `#!/bin/sh\nyes 'IntegralGit deploy output line 0123456789' | head -c ${total}\necho tail-end >&2\n`);
    const gc = exposeGc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let retainedPeak = 0;
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let streamed = 0;
    let chunks = 0;
    const r = await runScript({
      script: 'deploy.sh',
      location: wc.dir,
      env: baseScriptEnv(),
      timeoutSeconds: 300,
      onOutput: (c) => {
        streamed += Buffer.byteLength(c.text);
        if (++chunks % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (chunks % 256 === 0) {
          gc();
          retainedPeak = Math.max(retainedPeak, process.memoryUsage().heapUsed - heapBefore);
        }
      },
    });
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    expect(r.exitCode).toBe(0);
    expect(streamed).toBe(total + 'tail-end\n'.length);
    expect(r.output[0]).toEqual({ stream: 'integralgit', text: `[… ${r.truncatedBytes} bytes of earlier output dropped …]\n` });
    const kept = bytesOf(r.output.slice(1));
    expect(kept).toBeLessThanOrEqual(MiB);
    expect(kept + r.truncatedBytes).toBe(streamed);
    expect(r.output[r.output.length - 1]).toEqual({ stream: 'stderr', text: 'tail-end\n' });
    expect(peakRss - rssBefore).toBeLessThan(150 * MiB);
    // what stays reachable is the kept tail (about 1 MiB), not the output seen so far
    expect(retainedPeak).toBeLessThan(16 * MiB);
  });

  it('honours a smaller maxOutputBytes', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8 9; do echo line$i; done\n');
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, maxOutputBytes: 12 });
    expect(r.output.slice(1).map((c) => c.text).join('')).toBe('line8\nline9\n');
    expect(r.truncatedBytes).toBe(9 * 6 - 12);
    expect(r.output[0].stream).toBe('integralgit');
  });

  it('keeps multi-byte UTF-8 characters whole when they are split across reads', async () => {
    // é (C3 A9) and 🚀 (F0 9F 9A 80) written byte by byte, with pauses so each byte arrives alone
    wc.write(
      'deploy.sh',
      "#!/bin/sh\nprintf '\\303'; sleep 0.2; printf '\\251\\n'; sleep 0.2\nprintf '\\360'; sleep 0.2; printf '\\237'; sleep 0.2; printf '\\232'; sleep 0.2; printf '\\200\\n' >&1\nprintf '\\342\\202' >&2; sleep 0.2; printf '\\254\\n' >&2\n",
    );
    const seen: string[] = [];
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, onOutput: (c) => seen.push(c.text) });
    expect(seen.join('')).not.toContain('\ufffd');
    expect(r.output.filter((c) => c.stream === 'stdout').map((c) => c.text).join('')).toBe('é\n🚀\n');
    expect(r.output.filter((c) => c.stream === 'stderr').map((c) => c.text).join('')).toBe('€\n');
  });

  it('passes invalid UTF-8 on as replacement characters instead of failing', async () => {
    wc.write('deploy.sh', "#!/bin/sh\nprintf 'a\\377b\\n'\n");
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r.output).toEqual([{ stream: 'stdout', text: 'a\ufffdb\n' }]);
  });

  it('flushes an incomplete character at the end of the output', async () => {
    wc.write('deploy.sh', "#!/bin/sh\nprintf 'x\\303'\n");
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r.output.map((c) => c.text).join('')).toBe('x\ufffd');
  });
});
