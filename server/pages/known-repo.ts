import type { Request } from 'express';
import { findRepo } from '../../lib/settings/require-repo';
import type { Settings } from '../../lib/settings/types';

/** The `:repo` route parameter when it names a configured repo (exact case), else undefined. */
export function knownRepo(settings: Settings, req: Request): string | undefined {
  return findRepo(settings, req.params.repo)?.name;
}

/** A positive integer id from a route parameter, else undefined. */
export function idParam(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A non-empty query-string value (first one when repeated), capped so a URL cannot carry megabytes into a query. */
export function queryString(req: Request, name: string, max = 255): string | undefined {
  let v = req.query[name];
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined;
}
