import ipaddr from 'ipaddr.js';
import { IntegralGitError } from '../errors';
import { healthcheckUrlSyntaxProblem } from '../config/check-config-values';

/**
 * Whether `healthcheck.url` may be probed: http(s) to a loopback address (127.0.0.0/8,
 * ::1, `localhost`) or to a host the sysadmin listed in `healthcheckHosts`. Anyone who can
 * push to the config branch writes this URL, so without the rule the deploy host would make
 * requests for them into its network (SSRF). Redirects are never followed (see probe-url.ts),
 * so the rule holds for the whole check. Throws IG_HEALTHCHECK_FORBIDDEN or IG_CONFIG_INVALID.
 */
export function checkHealthcheckUrl(url: string, healthcheckHosts: readonly string[]): URL {
  const syntax = healthcheckUrlSyntaxProblem(url);
  if (syntax) throw new IntegralGitError('IG_CONFIG_INVALID', `healthcheck.url ${syntax}`, { key: 'healthcheck.url' });
  const parsed = new URL(url);
  const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isLoopback(host) || healthcheckHosts.includes(host)) return parsed;
  throw new IntegralGitError(
    'IG_HEALTHCHECK_FORBIDDEN',
    `healthcheck.url ${url} points at host "${host}", which is neither a loopback address nor listed in the server setting healthcheckHosts; ` +
      `use http://127.0.0.1:<port>/… or add "${host}" to healthcheckHosts in the settings`,
    { key: 'healthcheck.url', host },
  );
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(host)) return false;
  const addr = ipaddr.process(host); // ::ffff:127.0.0.1 counts as IPv4 loopback
  return addr.range() === 'loopback';
}
