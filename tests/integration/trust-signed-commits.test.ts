import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { verifyCommitSignature } from '../../lib/trust/verify-commit-signature';
import { checkFastForward, isAncestor } from '../../lib/trust/check-fast-forward';
import { GIT_ENV, git, makeTempDir } from '../helpers/git-fixture';

const GPG_MISSING = (() => {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
})();

let dir: string;
let repo: string;
let signers: string;
let otherSigners: string;
let keys: { alice: { key: string }; mallory: { key: string } };

function sshKey(name: string): { key: string; pub: string } {
  const key = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, pub: fs.readFileSync(`${key}.pub`, 'utf8').trim() };
}

function commit(message: string, sign: string[] = []): string {
  fs.writeFileSync(path.join(repo, 'file.txt'), message);
  git(repo, ['add', '-A']);
  git(repo, [...sign, 'commit', '-q', '-m', message]);
  return git(repo, ['rev-parse', 'HEAD']);
}

beforeAll(() => {
  dir = makeTempDir('ig-trust-');
  repo = path.join(dir, 'repo');
  git(dir, ['init', '-q', '-b', 'main', repo]);
  const alice = sshKey('alice');
  const mallory = sshKey('mallory');
  signers = path.join(dir, 'allowed_signers');
  fs.writeFileSync(signers, `alice@example.com ${alice.pub}\n`);
  otherSigners = path.join(dir, 'other_signers');
  fs.writeFileSync(otherSigners, `mallory@example.com ${mallory.pub}\n`);
  keys = { alice, mallory };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sshSign = (key: string) => ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`, '-c', 'commit.gpgsign=true'];
const gitdir = () => path.join(repo, '.git');

describe('requireSignedCommits: SSH signatures (allowedSignersFile)', () => {
  it('accepts a commit signed by an allowed key', async () => {
    const sha = commit('signed by alice', sshSign(keys.alice.key));
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: sha, policy: { allowedSignersFile: signers }, what: 'the head of `main`', repo: 'app' })).resolves.toBeUndefined();
  });

  it('refuses an unsigned commit and one signed by a key not in the file, naming the commit and the file', async () => {
    const unsigned = commit('unsigned');
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: unsigned, policy: { allowedSignersFile: signers }, what: 'the head of `main`', repo: 'app' })).rejects.toMatchObject({
      code: 'IG_COMMIT_UNTRUSTED',
      message: expect.stringContaining(`the head of \`main\` ${unsigned.slice(0, 12)} of app carries no good signature by the SSH keys in ${signers}`),
    });
    const byMallory = commit('signed by mallory', sshSign(keys.mallory.key));
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: byMallory, policy: { allowedSignersFile: signers }, what: 'x', repo: 'app' })).rejects.toMatchObject({ code: 'IG_COMMIT_UNTRUSTED' });
    // the same commit passes for a policy that allows mallory: the file decides, nothing else
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: byMallory, policy: { allowedSignersFile: otherSigners }, what: 'x', repo: 'app' })).resolves.toBeUndefined();
  });

  it('an SSH-signed commit does not pass a GPG-only policy', async () => {
    const sha = commit('alice again', sshSign(keys.alice.key));
    const emptyHome = makeTempDir('ig-gnupg-');
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: sha, policy: { gpgKeyring: emptyHome }, what: 'x', repo: 'app' })).rejects.toMatchObject({ code: 'IG_COMMIT_UNTRUSTED' });
    fs.rmSync(emptyHome, { recursive: true, force: true });
  });
});

(GPG_MISSING ? describe.skip : describe)('requireSignedCommits: OpenPGP signatures (gpgKeyring)', () => {
  let home: string;
  let fpr: string;
  let exported: string;
  beforeAll(() => {
    home = makeTempDir('ig-gnupg-');
    const env = { ...process.env, GNUPGHOME: home };
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Alice <alice@example.com>', 'ed25519', 'sign', 'never'], { env, stdio: 'ignore' });
    fpr = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9];
    exported = path.join(dir, 'alice.asc');
    fs.writeFileSync(exported, execFileSync('gpg', ['--batch', '--armor', '--export', fpr], { env }));
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  const gpgCommit = (message: string) => {
    fs.writeFileSync(path.join(repo, 'file.txt'), message);
    execFileSync('git', ['add', '-A'], { cwd: repo, env: GIT_ENV });
    execFileSync('git', ['-c', `user.signingkey=${fpr}`, 'commit', '-q', '-S', '-m', message], { cwd: repo, env: { ...GIT_ENV, GNUPGHOME: home } });
    return git(repo, ['rev-parse', 'HEAD']);
  };

  it('accepts a commit signed by a key of the keyring, given as a GnuPG home or as an exported key file', async () => {
    const sha = gpgCommit('gpg signed');
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: sha, policy: { gpgKeyring: home }, what: 'x', repo: 'app' })).resolves.toBeUndefined();
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: sha, policy: { gpgKeyring: exported } , what: 'x', repo: 'app' })).resolves.toBeUndefined();
    // both kinds allowed at once: git picks the format from the signature
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: sha, policy: { gpgKeyring: exported, allowedSignersFile: signers }, what: 'x', repo: 'app' })).resolves.toBeUndefined();
  });

  it('refuses it against an SSH-only policy and an empty keyring', async () => {
    const sha = gpgCommit('gpg signed 2');
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: sha, policy: { allowedSignersFile: signers }, what: 'x', repo: 'app' })).rejects.toMatchObject({ code: 'IG_COMMIT_UNTRUSTED' });
    const empty = makeTempDir('ig-gnupg-');
    await expect(verifyCommitSignature({ gitdir: gitdir(), commit: sha, policy: { gpgKeyring: empty }, what: 'x', repo: 'app' })).rejects.toMatchObject({ code: 'IG_COMMIT_UNTRUSTED' });
    fs.rmSync(empty, { recursive: true, force: true });
  });
});

describe('refuseNonFastForward', () => {
  it('lets a descendant through and refuses a rewritten head, pointing at --allow-rewind', async () => {
    const base = commit('base');
    const next = commit('next');
    expect(await isAncestor(gitdir(), base, next)).toBe(true);
    await expect(checkFastForward({ gitdir: gitdir(), deployed: base, head: next, repo: 'app', branch: 'main' })).resolves.toBeUndefined();
    git(repo, ['reset', '-q', '--hard', base]);
    const rewritten = commit('rewritten');
    await expect(checkFastForward({ gitdir: gitdir(), deployed: next, head: rewritten, repo: 'app', branch: 'main' })).rejects.toMatchObject({
      code: 'IG_REWIND_REFUSED',
      message: expect.stringContaining('integralgit trigger app --allow-rewind'),
    });
    // a deployed commit the repository no longer has counts as a rewrite
    expect(await isAncestor(gitdir(), 'f'.repeat(40), rewritten)).toBe(false);
  });
});
