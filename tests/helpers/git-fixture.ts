import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveGitHttp, GitHttpServer, GitHttpServerOptions } from '../../lib/demo/serve-git-http';

/**
 * Real repositories in a temp dir, served over smart HTTP by `git http-backend`.
 * Tests write through a local working clone and push to the bare repository by path
 * (synchronous and safe: the HTTP server in this process is never the push target);
 * the product under test fetches over HTTP like it would from GitHub.
 */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

export function makeTempDir(prefix = 'ig-test-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export class FixtureRepo {
  constructor(
    readonly name: string,
    readonly bare: string,
    readonly work: string,
    readonly url: string,
  ) {}

  git(args: string[], input?: string): string {
    return git(this.work, args, input);
  }

  /** Write (string) or delete (null) files on `branch`, commit and push; returns the sha. */
  commit(files: Record<string, string | null>, message = 'change', branch = 'master'): string {
    this.checkout(branch);
    for (const [rel, content] of Object.entries(files)) {
      const abs = path.join(this.work, rel);
      if (content === null) {
        fs.rmSync(abs, { recursive: true, force: true });
      } else {
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, content);
      }
    }
    this.git(['add', '-A']);
    this.git(['commit', '-q', '--allow-empty', '-m', message]);
    this.git(['push', '-q', '-f', 'origin', `HEAD:refs/heads/${branch}`]);
    return this.head();
  }

  /**
   * Set the executable bit of committed files (a deploy script) in git's index, commit and
   * push; returns the sha. Through the index, not chmod: the bit must reach the remote
   * whatever the temp dir's mount or umask does.
   */
  makeExecutable(files: string[], branch = 'master'): string {
    this.checkout(branch);
    this.git(['update-index', '--chmod=+x', '--', ...files]);
    this.git(['commit', '-q', '-m', `make ${files.join(', ')} executable`]);
    this.git(['push', '-q', 'origin', `HEAD:refs/heads/${branch}`]);
    return this.head();
  }

  head(ref = 'HEAD'): string {
    return this.git(['rev-parse', ref]);
  }

  checkout(branch: string): void {
    const exists = this.git(['branch', '--list', branch]) !== '';
    if (exists) this.git(['checkout', '-q', '-f', branch]);
    else if (this.hasCommits()) this.git(['checkout', '-q', '-b', branch]);
    else this.git(['checkout', '-q', '--orphan', branch]);
  }

  hasCommits(): boolean {
    try {
      this.git(['rev-parse', '--verify', '-q', 'HEAD']);
      return true;
    } catch {
      return false;
    }
  }

  /** Write the repo config on the orphan `integralgit` branch and push it; returns its sha. */
  writeConfig(config: unknown, filename = 'config'): string {
    const body = typeof config === 'string' ? config : JSON.stringify(config, null, 2);
    const blob = this.git(['hash-object', '-w', '--stdin'], body);
    const tree = this.git(['mktree'], `100644 blob ${blob}\t${filename}\n`);
    let parent: string[];
    try {
      parent = ['-p', this.git(['rev-parse', '--verify', '-q', 'refs/heads/integralgit'])];
    } catch {
      parent = [];
    }
    const sha = this.git(['commit-tree', tree, ...parent, '-m', 'IntegralGit config']);
    this.git(['update-ref', 'refs/heads/integralgit', sha]);
    this.git(['push', '-q', '-f', 'origin', 'refs/heads/integralgit:refs/heads/integralgit']);
    return sha;
  }
}

export class GitFixture {
  private server?: GitHttpServer;
  readonly srvDir: string;
  readonly workDir: string;

  private constructor(readonly root: string) {
    this.srvDir = path.join(root, 'srv');
    this.workDir = path.join(root, 'work');
    fs.mkdirSync(this.srvDir, { recursive: true });
    fs.mkdirSync(this.workDir, { recursive: true });
  }

  static async create(serverOpts: Partial<GitHttpServerOptions> = {}): Promise<GitFixture> {
    const fx = new GitFixture(makeTempDir('ig-git-'));
    fx.server = await serveGitHttp({ projectRoot: fx.srvDir, ...serverOpts });
    return fx;
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('fixture server not started');
    return this.server.url;
  }

  get requests(): GitHttpServer['requests'] {
    return this.server?.requests ?? [];
  }

  url(name: string): string {
    return `${this.baseUrl}/${name}.git`;
  }

  /** A bare repository with an initial commit on master, and a working clone to edit it. */
  createRepo(name: string, initialFiles: Record<string, string> = { 'README.md': `# ${name}\n` }): FixtureRepo {
    const bare = path.join(this.srvDir, `${name}.git`);
    const work = path.join(this.workDir, name);
    git(this.srvDir, ['init', '-q', '--bare', '-b', 'master', bare]);
    git(this.workDir, ['init', '-q', '-b', 'master', work]);
    git(work, ['remote', 'add', 'origin', bare]);
    const repo = new FixtureRepo(name, bare, work, this.url(name));
    if (Object.keys(initialFiles).length > 0) repo.commit(initialFiles, 'initial commit');
    return repo;
  }

  async close(): Promise<void> {
    await this.server?.close();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
