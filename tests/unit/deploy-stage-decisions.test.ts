import { gate } from '../../lib/deploy/stages/gate';
import { safetyGate } from '../../lib/deploy/stages/safety-gate';
import { rollout } from '../../lib/deploy/stages/rollout';
import { requestedCommit } from '../../lib/deploy/requested-commit';
import type { DeploymentState } from '../../lib/deploy/stages/stage';
import type { DeployRequest } from '../../lib/deploy/types';
import type { EffectiveConfig, RepoConfig } from '../../lib/config/types';
import type { FleetView } from '../../lib/fleet/read-fleet';
import { IntegralGitError } from '../../lib/errors';

/**
 * The decisions of the deploy stages that need no git and no disk: what they read from the
 * store and the remote is given as plain values, and every step they record is kept.
 */
const HEAD = 'a'.repeat(40);
const NEXT = 'b'.repeat(40);

interface Fakes {
  req?: Partial<DeployRequest>;
  config?: Partial<EffectiveConfig['config']>;
  layers?: string[];
  repoConfig?: Partial<RepoConfig>;
  pinned?: boolean;
  bad?: { commit: string; deploymentId: number | null };
  remoteHeads?: Array<string | null | Error>;
  fleet?: FleetView;
  healthcheckHosts?: string[];
  branch?: string;
}

function stateOf(f: Fakes = {}) {
  const steps: string[] = [];
  const branches: string[] = [];
  const heads = [...(f.remoteHeads ?? [])];
  const remoteHead = jest.fn(async () => {
    const next = heads.length > 1 ? heads.shift() : heads[0];
    if (next instanceof Error) throw next;
    return next ?? null;
  });
  const state = {
    req: { repo: 'app', trigger: 'webhook', ...f.req },
    host: 'web1',
    repoSettings: { name: 'app', url: 'https://git.example/app.git' },
    recorder: { step: (s: string) => steps.push(s), branchResolved: (b: string) => branches.push(b) },
    deps: {
      settings: { hostname: 'web1', healthcheckHosts: f.healthcheckHosts },
      store: { getPin: () => (f.pinned ? { commit: HEAD } : undefined), badCommit: () => f.bad },
      backend: { remoteHead },
      fleet: f.fleet ? { read: async () => f.fleet! } : undefined,
    },
    effective: { config: { location: '/srv/app', branch: 'main', ...f.config }, layers: f.layers ?? ['base'] },
    config: { configs: {}, ...f.repoConfig },
    branch: f.branch,
  } as unknown as DeploymentState;
  return { state, steps, branches, remoteHead };
}

describe('gate: the skip rules', () => {
  it('a host without `location` is not deployed, and the record names the layers it has', () => {
    const { state } = stateOf({ config: { location: undefined }, layers: [] });
    expect(gate.run(state)).toEqual({ status: 'skipped', reason: 'host web1 is not deployed: no `location` in its effective config (layers: none)' });
  });
  it('a push to another branch is not for this host', () => {
    const { state, branches } = stateOf({ req: { pushedBranch: 'feature' } });
    expect(gate.run(state)).toEqual({ status: 'skipped', reason: 'push to branch `feature`; host web1 deploys `main`' });
    expect(branches).toEqual(['main']);
  });
  it('`trigger --branch` replaces the configured branch, for the push check too', () => {
    const { state } = stateOf({ req: { pushedBranch: 'feature', branchOverride: 'feature' } });
    expect(gate.run(state)).toEqual({ status: 'continue', set: { branch: 'feature', location: '/srv/app' } });
  });
  it('the poller leaves a pinned host alone; a push or the CLI does not', () => {
    expect(gate.run(stateOf({ req: { trigger: 'poll' }, pinned: true }).state)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('is pinned on web1') });
    expect(gate.run(stateOf({ req: { trigger: 'webhook' }, pinned: true }).state)).toMatchObject({ status: 'continue' });
    expect(gate.run(stateOf({ req: { trigger: 'poll' }, pinned: false }).state)).toMatchObject({ status: 'continue' });
  });
});

describe('safetyGate', () => {
  it('a healthcheck with neither url nor command is a config error naming the key', () => {
    const { state } = stateOf({ config: { healthcheck: {} as never } });
    expect(() => safetyGate.run(state)).toThrow(expect.objectContaining({ code: 'IG_CONFIG_INVALID', message: expect.stringContaining('neither `url` nor `command`') }));
  });
  it('a healthcheck url on a host that is neither loopback nor allowed is refused before anything is fetched', () => {
    const { state } = stateOf({ config: { healthcheck: { url: 'http://example.com/health' } as never } });
    expect(() => safetyGate.run(state)).toThrow(IntegralGitError);
  });
  it('a loopback url, or a command alone, passes', () => {
    expect(safetyGate.run(stateOf({ config: { healthcheck: { url: 'http://127.0.0.1:8080/health' } as never } }).state)).toEqual({ status: 'continue', set: undefined });
    expect(safetyGate.run(stateOf({ config: { healthcheck: { command: 'true' } as never } }).state)).toEqual({ status: 'continue', set: undefined });
  });
  it('a redelivered push of a commit that failed and was reverted is skipped, naming the deployment', () => {
    const { state } = stateOf({ req: { requestedCommit: HEAD }, bad: { commit: HEAD, deploymentId: 7 } });
    expect(safetyGate.run(state)).toEqual({
      status: 'skipped',
      reason: `${HEAD.slice(0, 12)} failed and was reverted on web1 (deployment #7): a redelivered push does not deploy it again; push a new commit, or run \`integralgit trigger app\` to retry it`,
    });
    const retried = stateOf({ req: { trigger: 'retry', requestedCommit: HEAD }, bad: { commit: HEAD, deploymentId: null } });
    expect(safetyGate.run(retried.state)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('reverted on web1: a redelivered') });
  });
  it('the CLI, or a rollback to that commit, deploys it anyway', () => {
    const bad = { commit: HEAD, deploymentId: 7 };
    expect(safetyGate.run(stateOf({ req: { trigger: 'cli', requestedCommit: HEAD }, bad }).state)).toMatchObject({ status: 'continue' });
    expect(safetyGate.run(stateOf({ req: { requestedCommit: HEAD, targetCommit: HEAD }, bad }).state)).toMatchObject({ status: 'continue' });
  });
});

describe('rollout: a later wave waits for the earlier ones', () => {
  const waves = { rollout: ['canary', '*'], hostgroups: { canary: ['web0'] } } as Partial<RepoConfig>;
  const fleetWith = (cell?: { commit: string; status: string }): FleetView => ({
    hosts: [{ name: 'web0', lastSeen: null, online: true }],
    repos: [{ name: 'app', hosts: cell ? { web0: cell as never } : {} }],
  });

  it('no rollout, or the first wave: nothing to wait for', async () => {
    expect(await rollout.run(stateOf().state)).toEqual({ status: 'continue', set: undefined });
    expect(await rollout.run(stateOf({ repoConfig: { rollout: ['*'] } }).state)).toEqual({ status: 'continue', set: undefined });
  });
  it('a rollback, or a deployment from the CLI (not on the bus), is not held, and the record says so', async () => {
    const rollback = stateOf({ repoConfig: waves, req: { targetCommit: HEAD }, fleet: fleetWith() });
    expect(await rollout.run(rollback.state)).toMatchObject({ status: 'continue' });
    expect(rollback.steps).toEqual(['rollout wave 2 (*): not applied to a rollback']);
    const cli = stateOf({ repoConfig: waves });
    expect(await rollout.run(cli.state)).toMatchObject({ status: 'continue' });
    expect(cli.steps[0]).toMatch(/not applied, this process is not on the fleet's bus/);
  });
  it('goes once the earlier wave deployed the head it read from the remote', async () => {
    const { state, steps } = stateOf({ repoConfig: waves, branch: 'main', remoteHeads: [HEAD], fleet: fleetWith({ commit: HEAD, status: 'succeeded' }) });
    expect(await rollout.run(state)).toMatchObject({ status: 'continue' });
    expect(steps).toEqual([`rollout wave 2 (*): earlier waves done: web0 deployed ${HEAD.slice(0, 12)}`]);
  });
  it('when the branch moves while it waits, it waits for the new head', async () => {
    const { state, steps } = stateOf({ repoConfig: waves, branch: 'main', remoteHeads: [HEAD, NEXT, NEXT], fleet: fleetWith({ commit: NEXT, status: 'succeeded' }) });
    // the fleet says web0 has NEXT: HEAD would wait, so start from a fleet that has both in turn
    const views = [fleetWith({ commit: HEAD, status: 'succeeded' }), fleetWith({ commit: NEXT, status: 'succeeded' })];
    (state.deps as { fleet: { read: () => Promise<FleetView> } }).fleet.read = async () => views.shift() ?? views[0];
    expect(await rollout.run(state)).toMatchObject({ status: 'continue' });
    expect(steps).toEqual([
      `rollout wave 2 (*): the branch moved to ${NEXT.slice(0, 12)} while waiting; waiting for that commit`,
      `rollout wave 2 (*): earlier waves done: web0 deployed ${NEXT.slice(0, 12)}`,
    ]);
  });
  it('a head the remote cannot give is IG_FETCH_FAILED, not a wait for nothing', async () => {
    const { state } = stateOf({ repoConfig: waves, branch: 'main', remoteHeads: [null], fleet: fleetWith() });
    await expect(rollout.run(state)).rejects.toMatchObject({ code: 'IG_FETCH_FAILED', message: expect.stringContaining('the head of `main` could not be read') });
  });
  it('an earlier wave that failed the commit blocks it', async () => {
    const { state } = stateOf({ repoConfig: waves, branch: 'main', remoteHeads: [HEAD], fleet: fleetWith({ commit: HEAD, status: 'failed' }) });
    await expect(rollout.run(state)).rejects.toMatchObject({ code: 'IG_ROLLOUT_BLOCKED' });
  });
});

describe('requestedCommit: what a failed deployment records as its commit', () => {
  it("a rollback's target, without asking the remote", async () => {
    const { state, remoteHead } = stateOf({ req: { targetCommit: HEAD }, branch: 'main' });
    expect(await requestedCommit(state, 'IG_SCRIPT_FAILED')).toBe(HEAD);
    expect(remoteHead).not.toHaveBeenCalled();
  });
  it('else the branch head on the remote, said to come from there', async () => {
    const { state, steps } = stateOf({ req: { requestedCommit: NEXT }, branch: 'main', remoteHeads: [HEAD] });
    expect(await requestedCommit(state, 'IG_SCRIPT_FAILED')).toBe(HEAD);
    expect(steps).toEqual([`requested commit: ${HEAD.slice(0, 12)}, the head of \`main\` on the remote`]);
  });
  it('else the head the push named, marked as not read from the remote', async () => {
    const failing = stateOf({ req: { requestedCommit: NEXT }, branch: 'main', remoteHeads: [new Error('unreachable')] });
    expect(await requestedCommit(failing.state, 'IG_SCRIPT_FAILED')).toBe(NEXT);
    expect(failing.steps).toEqual([`requested commit: ${NEXT.slice(0, 12)}, the head named by the push (not read from the remote)`]);
    expect(await requestedCommit(stateOf({ req: { requestedCommit: NEXT }, branch: 'main', remoteHeads: [null] }).state, 'IG_SCRIPT_FAILED')).toBe(NEXT);
  });
  it('the remote is not asked again after a failed fetch, a stop, --no-fetch, or before a branch is known', async () => {
    for (const [req, code, branch] of [
      [{}, 'IG_FETCH_FAILED', 'main'],
      [{}, 'IG_INTERRUPTED', 'main'],
      [{ noFetch: true }, 'IG_SCRIPT_FAILED', 'main'],
      [{}, 'IG_CONFIG_NEVER_VALID', undefined],
    ] as const) {
      const { state, remoteHead } = stateOf({ req, branch, remoteHeads: [HEAD] });
      expect(await requestedCommit(state, code)).toBeNull();
      expect(remoteHead).not.toHaveBeenCalled();
    }
  });
  it('a remote that does not answer holds the record up 15 s at most', async () => {
    jest.useFakeTimers();
    try {
      const { state } = stateOf({ req: { requestedCommit: NEXT }, branch: 'main' });
      (state.deps.backend as unknown as { remoteHead: () => Promise<string> }).remoteHead = () => new Promise(() => {});
      const pending = requestedCommit(state, 'IG_SCRIPT_FAILED');
      await jest.advanceTimersByTimeAsync(15_000);
      expect(await pending).toBe(NEXT);
    } finally {
      jest.useRealTimers();
    }
  });
});
