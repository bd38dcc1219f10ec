import fs from 'node:fs';
import path from 'node:path';
import type ejs from 'ejs';
import type { Request, Response } from 'express';
import { projectRoot } from '../../lib/version';
import { exactUtc, formatDuration, relativeTime } from '../../lib/history/format-time';
import { safeWebUrl, shortSha, splitMessage } from '../../lib/history/commit-text';
import { formatRate } from '../../lib/history/outcome-stats';
import { compareUrl } from '../../lib/history/compare-url';
import { CONFIG_BRANCH } from '../../lib/config/fetch-config-branch';
import type { PageEnv } from './page-env';

export const VIEWS_DIR = path.join(projectRoot(), 'views');

export type QueryValue = string | number | undefined | null;

/** Links under `basePath`: each path segment encoded, so a repo name can never break out of its place. */
export function urlBuilder(base: string) {
  const u = (...segments: Array<string | number>): string =>
    base + '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
  const q = (href: string, params: Record<string, QueryValue>): string => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
    const s = search.toString();
    return s ? `${href}?${s}` : href;
  };
  return { u, q, root: base + '/' };
}

/** Formatting helpers the templates call; each returns plain text that EJS then escapes. */
export const viewHelpers = {
  rel: relativeTime,
  utc: exactUtc,
  duration: formatDuration,
  short: shortSha,
  split: splitMessage,
  safeUrl: safeWebUrl,
  rate: formatRate,
  compare: compareUrl,
  configBranch: CONFIG_BRANCH,
  json: (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v)),
};

const compiled = new Map<string, ejs.TemplateFunction>();

/** Every name a template may use; one missing from its data is simply undefined. */
const TEMPLATE_NAMES = [
  // layout and helpers (renderPage)
  'h', 'u', 'q', 'root', 'base', 'host', 'version', 'admin', 'csrfToken', 'asset', 'title', 'nav', 'refresh', 'now', 'body', 'partial',
  // page data
  'repos', 'deliveries', 'nextCursor', 'filter', 'repoNames', 'outcomes', 'repo', 'summary', 'pushes', 'pushesNext',
  'deployments', 'deploymentsNext', 'config', 'statuses', 'branches', 'd', 'commit', 'push', 'targetCommit', 'pin', 'explanation',
  'lastSeq', 'live', 'job', 'ahead', 'waiting', 'status', 'heading', 'message', 'matrix', 'fleetError', 'fleetNav',
  // partials' parameters
  'label', 'iso', 'mode', 'sha', 'url', 'repoName', 'next', 'nextHref', 'showNewest', 'newestHref', 'filtered',
  'outcomes', 'chart', 'chartId', 'compact', 'windows', 'chartSlots', 'result', 'value', 'p', 'steps',
];

/** Templates are compiled once per process (their includes are cached by EJS too). */
function template(view: string): ejs.TemplateFunction {
  let fn = compiled.get(view);
  if (!fn) {
    const filename = path.join(VIEWS_DIR, `${view}.ejs`);
    // EJS is required on the first page rendered: a server that only takes webhooks never loads it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fn = (require('ejs') as typeof ejs).compile(fs.readFileSync(filename, 'utf8'), {
      filename,
      cache: true,
      root: VIEWS_DIR,
      async: false,
      // destructuring instead of `with (locals)`, which V8 cannot optimise: a repo page renders hundreds of partials
      _with: false,
      destructuredLocals: TEMPLATE_NAMES,
    });
    compiled.set(view, fn);
  }
  return fn;
}

export interface PageOptions {
  /** most specific first; " · IntegralGit" is appended */
  title: string[];
  status?: number;
  nav?: 'repos' | 'deliveries' | 'fleet' | '';
  /** seconds; a <meta refresh> for pages waiting on something (no script needed) */
  refresh?: number;
}

/**
 * Render `views/<view>.ejs` into the one layout. Templates only ever print data with
 * `<%= %>` (escaped); `<%-` is used only for template output: `partial(name, params)`
 * (a template from views/partials/, given just the shared helpers and its parameters:
 * EJS's own include copies every local on each call, which a page with hundreds of
 * commits feels) and the body inside the layout.
 */
export function renderPage(env: PageEnv, req: Request, res: Response, view: string, data: Record<string, unknown>, opts: PageOptions): void {
  const { settings, version } = env.ctx;
  const base = settings.basePath;
  const links = urlBuilder(base);
  // what every partial may use; partials get only this and their own parameters
  const shared: Record<string, unknown> = {
    ...links,
    h: viewHelpers,
    base,
    host: settings.hostname,
    admin: settings.admin !== undefined,
    csrfToken: settings.admin ? env.csrf.tokenFor(req, res) : '',
    now: new Date(),
  };
  shared.partial = (name: string, params: Record<string, unknown>): string => template(`partials/${name}`)({ ...shared, ...params });
  const locals: Record<string, unknown> = {
    ...data,
    ...shared,
    version,
    asset: (name: string) => `${base}/static/${encodeURIComponent(name)}?v=${encodeURIComponent(version)}`,
    title: [...opts.title, 'IntegralGit'].join(' · '),
    nav: opts.nav ?? '',
    fleetNav: env.ctx.fleet !== undefined,
    refresh: opts.refresh ?? 0,
  };
  const body = template(view)(locals);
  const html = template('layout')({ ...locals, body });
  res.status(opts.status ?? 200);
  res.set('Cache-Control', 'no-cache, private');
  res.type('html').send(html);
}

/** An HTML error page: what happened and where to go next. */
export function renderError(env: PageEnv, req: Request, res: Response, status: number, heading: string, message: string): void {
  renderPage(env, req, res, 'error', { status, heading, message }, { title: [heading], status });
}
