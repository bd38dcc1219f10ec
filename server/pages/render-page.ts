import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Request, Response } from 'express';
import { projectRoot } from '../../lib/version';
import { exactUtc, formatDuration, relativeTime } from '../../lib/history/format-time';
import { safeWebUrl, shortSha, splitMessage } from '../../lib/history/commit-text';
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
  json: (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v)),
};

const compiled = new Map<string, ejs.TemplateFunction>();

/** Templates are compiled once per process (their includes are cached by EJS too). */
function template(view: string): ejs.TemplateFunction {
  let fn = compiled.get(view);
  if (!fn) {
    const filename = path.join(VIEWS_DIR, `${view}.ejs`);
    fn = ejs.compile(fs.readFileSync(filename, 'utf8'), { filename, cache: true, root: VIEWS_DIR, views: [VIEWS_DIR], async: false }) as ejs.TemplateFunction;
    compiled.set(view, fn);
  }
  return fn;
}

export interface PageOptions {
  /** most specific first; " · IntegralGit" is appended */
  title: string[];
  status?: number;
  nav?: 'repos' | 'deliveries' | '';
  /** seconds; a <meta refresh> for pages waiting on something (no script needed) */
  refresh?: number;
}

/**
 * Render `views/<view>.ejs` into the one layout. Templates only ever print data with
 * `<%= %>` (escaped); `<%-` is used for includes and for the body inside the layout.
 */
export function renderPage(env: PageEnv, req: Request, res: Response, view: string, data: Record<string, unknown>, opts: PageOptions): void {
  const { settings, version } = env.ctx;
  const base = settings.basePath;
  const links = urlBuilder(base);
  const locals: Record<string, unknown> = {
    ...data,
    ...links,
    h: viewHelpers,
    base,
    host: settings.hostname,
    version,
    admin: settings.admin !== undefined,
    csrfToken: settings.admin ? env.csrf.tokenFor(req, res) : '',
    asset: (name: string) => `${base}/static/${encodeURIComponent(name)}?v=${encodeURIComponent(version)}`,
    title: [...opts.title, 'IntegralGit'].join(' · '),
    nav: opts.nav ?? '',
    refresh: opts.refresh ?? 0,
    now: new Date(),
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
