import type { ApiDeployment } from '../../lib/history/repo-history';
import type { Deployment, DeploymentStatus, JobTrigger, PushCommitInput, PushEventInput } from '../../lib/store';
import type { NormalizedCommit, NormalizedPush } from '../../lib/webhook-primitives/normalized-push';

/**
 * Type-level checks, enforced by `npm run typecheck` (part of `pretest`; ts-jest only
 * transpiles, isolatedModules): the store's
 * inputs and the API's deployment are derived from the one definition of each concept,
 * so they cannot drift apart or loosen again.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <T extends true>(value: T): T => value;

describe('derived types', () => {
  it('ApiDeployment takes its field types from Deployment', () => {
    expect(holds<Equal<ApiDeployment['status'], DeploymentStatus>>(true)).toBe(true);
    expect(holds<Equal<ApiDeployment['trigger'], JobTrigger>>(true)).toBe(true);
    expect(holds<Equal<ApiDeployment['exitCode'], Deployment['exitCode']>>(true)).toBe(true);
    expect(holds<Equal<ApiDeployment['coalescedJobIds'], Deployment['coalescedJobIds']>>(true)).toBe(true);
  });

  it('PushEventInput and PushCommitInput take theirs from NormalizedPush and NormalizedCommit', () => {
    expect(holds<Equal<PushEventInput['ref'], NormalizedPush['ref']>>(true)).toBe(true);
    expect(holds<Equal<PushEventInput['forced'], NormalizedPush['forced']>>(true)).toBe(true);
    expect(holds<Equal<NonNullable<PushEventInput['branch']>, NonNullable<NormalizedPush['branch']>>>(true)).toBe(true);
    expect(holds<Equal<PushCommitInput['id'], NormalizedCommit['id']>>(true)).toBe(true);
    expect(holds<Equal<NonNullable<PushCommitInput['url']>, NonNullable<NormalizedCommit['url']>>>(true)).toBe(true);
  });

  it('a normalised push with its commits is storable as it is', () => {
    const push: NormalizedPush = {
      ref: 'refs/heads/main', branch: 'main', tag: null, before: null, after: 'a'.repeat(40), created: true, deleted: false, forced: false,
      commits: [{ id: 'a'.repeat(40), message: 'm', authorName: 'a', timestamp: '2026-01-01T00:00:00Z' }], commitsTruncated: false,
    };
    const { compareUrl: _notStored, ...stored } = push;
    const input: PushEventInput = { ...stored, repo: 'app', provider: 'github', eventType: 'push', jobs: [] };
    expect(input.commits[0].id).toBe('a'.repeat(40));
  });
});
