import fs from 'node:fs';
import path from 'node:path';
import type { JobInput, JobQueueStore } from '../../lib/store';
import { requestDeployment } from '../../lib/queue/request-deployment';
import type { Settings } from '../../lib/settings/types';

const root = path.resolve(__dirname, '../..');

/** Only the processes that open and close the store hold the whole SQLite class. */
const COMPOSITION_ROOTS = ['server/start-server.ts', 'cli/cli-context.ts'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('store roles (lib/store/roles.ts)', () => {
  it('no consumer outside lib/store imports the whole Store: each names the role it uses', () => {
    const importsStore = /import\s+(?:type\s+)?\{[^}]*\bStore\b(?!\w)[^}]*\}\s+from\s+'[./]*(?:lib\/)?store'/;
    const offenders = ['lib', 'server', 'cli']
      .flatMap(sourceFiles)
      .filter((f) => !f.startsWith(`lib${path.sep}store${path.sep}`) && !COMPOSITION_ROOTS.includes(f))
      .filter((f) => importsStore.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('a consumer works on any store that plays its role (here an in-memory queue)', () => {
    const jobs: JobInput[] = [];
    const repos = new Set<string>();
    const queue: Pick<JobQueueStore, 'ensureRepo' | 'enqueueJob'> = {
      ensureRepo: (name) => void repos.add(name),
      enqueueJob: (input) => jobs.push(input),
    };
    const settings = { file: '/etc/integralgit/settings.json', repos: { app: {} } } as unknown as Settings;
    expect(requestDeployment(settings, queue, { repo: 'app', trigger: 'ui', targetCommit: 'abc1234' })).toBe(1);
    expect([...repos]).toEqual(['app']);
    expect(jobs).toEqual([{ repo: 'app', branch: null, trigger: 'ui', targetCommit: 'abc1234' }]);
  });
});
