import { useTempDirs } from '../helpers/temp-store';
import { openStore, type Store } from '../../lib/store';

// temp dirs of this file, removed when it ends
const tempDir = useTempDirs('ig-store-');

function textOf(store: Store, id: number): string {
  return store.getLog(id).map((c) => c.text).join('');
}

describe('deployment log', () => {
  let store: Store;
  afterEach(() => store.close());

  it('keeps chunks in order with their stream, and resumes after a seq', () => {
    store = openStore(tempDir());
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    expect(store.appendLog(id, 'system', 'fetching\n')).toBe(1);
    expect(store.appendLog(id, 'stdout', 'out\n')).toBe(2);
    expect(store.appendLog(id, 'stderr', 'err\n')).toBe(3);
    expect(store.getLog(id).map((c) => [c.seq, c.stream, c.text])).toEqual([
      [1, 'system', 'fetching\n'],
      [2, 'stdout', 'out\n'],
      [3, 'stderr', 'err\n'],
    ]);
    expect(store.getLog(id, 2).map((c) => c.seq)).toEqual([3]);
    expect(store.getLog(id, 3)).toEqual([]);
    expect(() => store.appendLog(id, 'stdin' as never, 'x')).toThrow(/invalid log stream/);
    expect(() => store.appendLog(999, 'stdout', 'x')).toThrow(/deployment 999 does not exist/);
  });

  it('keeps the last bytes within the bound behind one marker saying how much was dropped', () => {
    store = openStore(tempDir(), { logLimitBytes: 100 });
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    const lines = Array.from({ length: 30 }, (_, i) => `line ${String(i).padStart(2, '0')}\n`); // 8 bytes each
    const seqs = lines.map((l) => store.appendLog(id, 'stdout', l));
    expect(seqs).toEqual(lines.map((_, i) => i + 1));

    const chunks = store.getLog(id);
    const [marker, ...rest] = chunks;
    expect(marker).toMatchObject({ seq: 1, stream: 'system' });
    expect(chunks.filter((c) => c.stream === 'system')).toHaveLength(1);
    const kept = rest.map((c) => c.text).join('');
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(100);
    expect(kept).toBe(lines.slice(-rest.length).join(''));
    const dropped = lines.length * 8 - Buffer.byteLength(kept);
    expect(marker.text).toBe(`… ${dropped} bytes of earlier output dropped …`);
    // seq numbers never move: strictly increasing, the newest still the last appended
    expect(rest.map((c) => c.seq)).toEqual(seqs.slice(-rest.length));
  });

  it('keeps only the tail of a single chunk larger than the bound, cut on a character', () => {
    store = openStore(tempDir(), { logLimitBytes: 7 });
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    store.appendLog(id, 'stdout', 'ab');
    // 18 bytes: ten x, é (2 bytes), € (3), end; the last 7 bytes start inside é
    store.appendLog(id, 'stderr', 'xxxxxxxxxxé€end');
    const chunks = store.getLog(id);
    expect(chunks.map((c) => [c.seq, c.stream])).toEqual([
      [1, 'system'],
      [2, 'stderr'],
    ]);
    expect(chunks[1].text).toBe('€end');
    expect(chunks[0].text).toBe('… 14 bytes of earlier output dropped …');
  });

  it('bounds a 1 MiB log by default, even after many megabytes', () => {
    store = openStore(tempDir());
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    const chunk = 'y'.repeat(64 * 1024 - 1) + '\n';
    for (let i = 0; i < 48; i++) store.appendLog(id, i % 2 ? 'stderr' : 'stdout', chunk); // 3 MiB
    const chunks = store.getLog(id);
    const output = chunks.filter((c) => c.stream !== 'system');
    expect(output.reduce((n, c) => n + Buffer.byteLength(c.text), 0)).toBe(1024 * 1024);
    expect(chunks[0].text).toBe(`… ${2 * 1024 * 1024} bytes of earlier output dropped …`);
    expect(output[output.length - 1].seq).toBe(48);
    const rows = store.db.prepare('SELECT count(*) FROM deployment_log WHERE deployment_id = ?').pluck().get(id);
    expect(rows).toBe(17);
  });

  it('keeps each deployment\'s log apart', () => {
    store = openStore(tempDir(), { logLimitBytes: 5 });
    const a = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    const b = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    store.appendLog(a, 'stdout', '12345');
    store.appendLog(b, 'stdout', 'abc');
    store.appendLog(a, 'stdout', '678');
    expect(textOf(store, b)).toBe('abc');
    expect(textOf(store, a)).toBe('… 5 bytes of earlier output dropped …678');
  });
});
