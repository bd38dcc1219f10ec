/** Server settings after loading, validation and resolution (secrets read, paths absolute). */
import type { CommitStatusSettings, NotifyTarget } from './outcome-types';

export type GitBackendName = 'native' | 'isomorphic';

export interface RepoAuth {
  username?: string;
  /** token or password; resolved from `tokenEnv`/`token` */
  token?: string;
}

export interface RepoSettings {
  /** the short name used in URLs (`/myapp`), the key under `repos` */
  name: string;
  /** the remote fetched, always from the settings, never from a payload */
  url: string;
  /** resolved webhook secret (from secret, secretEnv or secretFile); undefined only when insecure */
  secret?: string;
  insecure: boolean;
  auth?: RepoAuth;
  sshKeyFile?: string;
  knownHostsFile?: string;
  /** seconds between poll reconciles; 0 = off */
  pollInterval: number;
  /** CIDRs; undefined = inherit the server-wide list */
  trustedNetworks?: string[];
  /** names of env vars the settings read secrets from (never passed to scripts) */
  secretEnvNames: string[];
  /**
   * where the secret came from, as a sysadmin would fix it, e.g. `repos.myapp.secretEnv
   * (MYAPP_WEBHOOK_SECRET)` or `repos.myapp.secretFile (/run/credentials/…)`; named in
   * signature-mismatch messages. Undefined = `repos.<name>.secret`.
   */
  secretSource?: string;
  // SPEC §9 (outcome-types.ts)
  /** where deployment outcomes are posted as commit statuses; undefined = none */
  commitStatus?: CommitStatusSettings;
  /** `secrets`: variable name → resolved value; the only secrets the deploy script receives */
  secrets?: Record<string, string>;
  /** how many deployments and deliveries of this repo are kept (oldest pruned); always set by loadSettings, undefined = the defaults */
  retention?: Retention;
  // safe deployments (SPEC §10)
  /** the deployed head and the config branch's head must carry a good signature by one of these keys */
  requireSignedCommits?: SignedCommitsPolicy;
  /** refuse a head that does not descend from the deployed commit until `trigger --allow-rewind` */
  refuseNonFastForward?: boolean;
}

export interface Retention {
  deployments: number;
  deliveries: number;
}

/** `repos.<name>.requireSignedCommits`, paths absolute; at least one is set. */
export interface SignedCommitsPolicy {
  /** SSH signatures: git's allowed-signers format (gpg.ssh.allowedSignersFile) */
  allowedSignersFile?: string;
  /** OpenPGP signatures: a GnuPG home directory, or a file of exported public keys */
  gpgKeyring?: string;
}

export interface Settings {
  /** absolute path of the settings file, or '<embedded>' for the demo */
  file: string;
  listen: { host: string; port: number };
  dataDir: string;
  hostname: string;
  /** where the hostname came from: flag, env, file or machine */
  hostnameSource: 'flag' | 'env' | 'file' | 'machine';
  allowedRoots: string[];
  git: GitBackendName;
  /**
   * set only when `git` was not in the file: 'native' (a git binary runs) or
   * 'isomorphic-no-git-binary' (none found; the caller should log a warning)
   */
  gitDefaulted?: 'native' | 'isomorphic-no-git-binary';
  repos: Record<string, RepoSettings>;
  trustedNetworks: string[];
  /** false | number of proxy hops | list of proxy CIDRs */
  trustProxy: false | number | string[];
  /** URL prefix behind a reverse proxy, '' or '/something' without trailing slash */
  basePath: string;
  /** max webhook body in bytes (after inflation) */
  bodyLimit: number;
  /** how many deliveries the log keeps */
  deliveriesLimit: number;
  /** admin credentials for UI actions (redeploy/deploy now); undefined = read-only UI */
  admin?: { username: string; password?: string; token?: string };
  /** basic auth required to read the pages, if set */
  readAuth?: { username: string; password: string };
  /** bearer token for the generic JSON trigger provider */
  triggerToken?: string;
  logFormat: 'text' | 'json';
  /** hosts besides loopback that a repo config's `healthcheck.url` may reach (lower case) */
  healthcheckHosts: string[];
  /**
   * names of env vars read for server-wide secrets (admin, readAuth, triggerToken); each
   * repo has its own list. Always set by loadSettings; use allSecretEnvNames() for the union.
   */
  secretEnvNames?: string[];
  /** read-only commands only: secrets that could not be resolved here (SPEC §12), each with why */
  unresolvedSecrets?: string[];
  /** allowed but worth a line in the log at every start (insecure repos, ...); always set by loadSettings */
  warnings?: string[];
  /** the hosts share a NATS JetStream server (SPEC §11); undefined = this server works alone */
  fleet?: FleetSettings;
  // SPEC §9 (outcome-types.ts)
  /** base URL of the pages in links sent out, without trailing slash; undefined = no links */
  publicUrl?: string;
  /** notification targets; always set by loadSettings (empty when none) */
  notify?: NotifyTarget[];
}

/** `fleet` after resolution: paths absolute, files checked readable. */
export interface FleetSettings {
  servers: string[];
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** JetStream stream name, default INTEGRALGIT */
  stream: string;
}

/** Overrides given on the command line; they win over the file. */
export interface SettingsOverrides {
  port?: number;
  host?: string;
  dataDir?: string;
  hostname?: string;
  logFormat?: 'text' | 'json';
}
