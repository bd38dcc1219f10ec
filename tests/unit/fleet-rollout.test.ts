import type { RepoConfig } from '../../lib/config/types';
import { parseRepoConfig } from '../../lib/config/parse-repo-config';
import { rolloutVerdict, waveOf } from '../../lib/fleet/rollout-waves';
import { waitForRollout } from '../../lib/fleet/wait-for-rollout';
import type { FleetView } from '../../lib/fleet/read-fleet';
import { IntegralGitError } from '../../lib/errors';

const config: RepoConfig = { hostgroups: { canary: ['c1', 'c2'], web: ['w1', 'w2', 'c1'] }, configs: { base: {} }, rollout: ['canary', 'web', '*'] };

function view(cells: Record<string, { commit: string; status: string; health?: string }>, offline: string[] = []): FleetView {
  const names = ['c1', 'c2', 'w1', 'w2', 'x1'];
  return {
    hosts: names.map((name) => ({ name, lastSeen: '2026-01-01T00:00:00Z', online: !offline.includes(name) })),
    repos: [{ name: 'app', hosts: Object.fromEntries(Object.entries(cells).map(([h, c]) => [h, { commit: c.commit, status: c.status as 'succeeded', health: (c.health ?? 'none') as 'none', finishedAt: null, url: null }])) }],
  };
}

describe('rollout waves', () => {
  it('a host is in the first wave whose hostgroup lists it; * takes every other host', () => {
    expect(waveOf(config, 'c1')).toBe(0);
    expect(waveOf(config, 'w1')).toBe(1);
    expect(waveOf(config, 'x1')).toBe(2);
    expect(waveOf({ ...config, rollout: ['canary'] }, 'x1')).toBeUndefined();
    expect(waveOf({ configs: {} }, 'c1')).toBeUndefined();
  });

  it('a later wave goes once every online host of the earlier waves succeeded with the commit', () => {
    expect(rolloutVerdict(view({ c1: { commit: 'A', status: 'succeeded' } }), config, 'app', 'w1', 1, 'A')).toMatchObject({ state: 'wait', reason: expect.stringContaining('c2') });
    expect(rolloutVerdict(view({ c1: { commit: 'A', status: 'succeeded' }, c2: { commit: 'A', status: 'succeeded' } }), config, 'app', 'w1', 1, 'A').state).toBe('go');
    // an offline host of an earlier wave is not waited for
    expect(rolloutVerdict(view({ c1: { commit: 'A', status: 'succeeded' } }, ['c2']), config, 'app', 'w1', 1, 'A').state).toBe('go');
    // the * wave waits for the canary and web waves
    expect(rolloutVerdict(view({ c1: { commit: 'A', status: 'succeeded' }, c2: { commit: 'A', status: 'succeeded' } }), config, 'app', 'x1', 2, 'A')).toMatchObject({ state: 'wait', reason: expect.stringContaining('w1, w2') });
  });

  it('a failed host (or failed health) in an earlier wave blocks later waves for that commit only', () => {
    const failed = view({ c1: { commit: 'A', status: 'failed' }, c2: { commit: 'A', status: 'succeeded' } });
    expect(rolloutVerdict(failed, config, 'app', 'w1', 1, 'A')).toMatchObject({ state: 'blocked', reason: expect.stringContaining('c1') });
    expect(rolloutVerdict(failed, config, 'app', 'w1', 1, 'B').state).toBe('wait');
    const unhealthy = view({ c1: { commit: 'A', status: 'succeeded', health: 'failed' }, c2: { commit: 'A', status: 'succeeded' } });
    expect(rolloutVerdict(unhealthy, config, 'app', 'w1', 1, 'A').state).toBe('blocked');
  });

  it('waits, then fails IG_ROLLOUT_BLOCKED after rolloutTimeout', async () => {
    const steps: string[] = [];
    const err = await waitForRollout({ read: async () => view({}), config: { ...config, rolloutTimeout: 1 }, repo: 'app', host: 'w1', wave: 1, commit: 'A', onStep: (t) => steps.push(t), pollMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegralGitError);
    expect((err as IntegralGitError).code).toBe('IG_ROLLOUT_BLOCKED');
    expect((err as IntegralGitError).message).toMatch(/rolloutTimeout \(1 s\)/);
    expect(steps[0]).toMatch(/rollout wave 2 \(web\): waiting for c1, c2/);
  });

  it('goes as soon as the earlier wave reports success', async () => {
    let reads = 0;
    const read = async () => (++reads < 3 ? view({}) : view({ c1: { commit: 'A', status: 'succeeded' }, c2: { commit: 'A', status: 'succeeded' } }));
    await expect(waitForRollout({ read, config, repo: 'app', host: 'w1', wave: 1, commit: 'A', onStep: () => undefined, pollMs: 10 })).resolves.toMatch(/earlier waves done/);
  });

  it('the repo config accepts rollout and rolloutTimeout and refuses a wave that names no hostgroup', () => {
    expect(parseRepoConfig(JSON.stringify({ hostgroups: { canary: ['a'] }, configs: { base: {} }, rollout: ['canary', '*'], rolloutTimeout: 60 })).problems).toEqual([]);
    expect(parseRepoConfig(JSON.stringify({ configs: { base: {} }, rollout: ['canray'] })).problems).toEqual([{ path: '/rollout/0', message: expect.stringContaining('names no hostgroup') }]);
  });
});
