import crypto from 'node:crypto';

export interface DemoCommit {
  id: string;
  message: string;
  authorName: string;
  authorEmail: string;
  timestamp: string;
}

export interface GithubPushOptions {
  /** the clone URL the payload names (matched against the settings' `url`) */
  cloneUrl: string;
  ref: string;
  before: string;
  after: string;
  commits: DemoCommit[];
  forced?: boolean;
  deleted?: boolean;
  created?: boolean;
}

/**
 * A GitHub `push` payload in the shape GitHub sends (the fields IntegralGit reads, plus
 * the repository block), for the demo and for tests that drive the real server.
 */
export function githubPushPayload(o: GithubPushOptions): string {
  const path = new URL(o.cloneUrl).pathname.replace(/^\//, '').replace(/\.git$/, '');
  const [owner, name] = path.includes('/') ? path.split('/', 2) : ['demo', path];
  const web = o.cloneUrl.replace(/\.git$/, '');
  const commits = o.commits.map((c) => ({
    id: c.id,
    tree_id: c.id,
    distinct: true,
    message: c.message,
    timestamp: c.timestamp,
    url: `${web}/commit/${c.id}`,
    author: { name: c.authorName, email: c.authorEmail, username: c.authorName.toLowerCase().replace(/\W+/g, '') },
    committer: { name: c.authorName, email: c.authorEmail },
    added: [],
    removed: [],
    modified: [],
  }));
  return JSON.stringify({
    ref: o.ref,
    before: o.before,
    after: o.after,
    created: o.created ?? false,
    deleted: o.deleted ?? false,
    forced: o.forced ?? false,
    base_ref: null,
    compare: `${web}/compare/${o.before.slice(0, 12)}...${o.after.slice(0, 12)}`,
    commits,
    head_commit: commits[commits.length - 1] ?? null,
    repository: {
      id: 1,
      name,
      full_name: `${owner}/${name}`,
      private: false,
      owner: { name: owner, login: owner },
      html_url: web,
      url: web,
      clone_url: o.cloneUrl,
      git_url: o.cloneUrl.replace(/^https?:/, 'git:'),
      ssh_url: `git@${new URL(o.cloneUrl).host}:${owner}/${name}.git`,
      default_branch: 'master',
      master_branch: 'master',
    },
    pusher: { name: 'demo', email: 'demo@example.com' },
    sender: { login: 'demo', id: 1, type: 'User' },
  });
}

/** The headers GitHub sends with a delivery, signed with the repo's secret. */
export function githubHeaders(body: string, secret: string, event = 'push', deliveryId: string = crypto.randomUUID()): Record<string, string> {
  const sig = crypto.createHmac('sha256', secret).update(body).digest('hex');
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/integralgit-demo',
    'x-github-event': event,
    'x-github-delivery': deliveryId,
    'x-hub-signature-256': `sha256=${sig}`,
  };
}
