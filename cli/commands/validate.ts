import fs from 'node:fs';
import type { Command } from 'commander';
import { IntegralGitError } from '../../lib/errors';
import { action } from '../run-command';
import { cliSettings, globals, printJson } from '../cli-context';
import { assertLocationAllowed } from '../../lib/workcopy/core/check-location';
import { SETTINGS_ENV } from '../../lib/settings/locate-settings-file';
import type { EffectiveConfig } from '../../lib/config/types';
import type { Problem } from '../../lib/errors';
import type { Settings } from '../../lib/settings/types';
import { printEffectiveConfig } from './print-effective-config';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .argument('<file>', 'a repo config file (the `config` of the integralgit branch)')
    .option('--host <name>', 'also print the effective config for this host (default with --settings: this host)')
    .option('--json', 'machine-readable output')
    .description('check a repo config file before pushing it (exit 1 with every problem)')
    .action(
      action(async (file: string, opts: { host?: string; json?: boolean }, cmd: Command) => {
        let text: string;
        try {
          const stat = fs.statSync(file);
          if (!stat.isFile()) throw new Error('not a regular file');
          text = fs.readFileSync(file, 'utf8');
        } catch (err) {
          throw new IntegralGitError('IG_USAGE', `cannot read ${file}: ${(err as Error).message}`);
        }
        const [{ parseRepoConfig }, { resolveHostConfig }] = await Promise.all([import('../../lib/config/parse-repo-config'), import('../../lib/config/merge-layers')]);
        const parsed = parseRepoConfig(text);
        // with settings named explicitly, this host's location must also lie in allowedRoots
        const settings = explicitSettings(cmd);
        const host = opts.host ?? settings?.hostname;
        const effective = parsed.config && host ? resolveHostConfig(parsed.config, host) : undefined;
        if (settings && effective) parsed.problems.push(...locationProblems(effective, settings.allowedRoots));
        if (opts.json) {
          printJson({ file, valid: parsed.problems.length === 0, problems: parsed.problems, effective });
          return parsed.problems.length === 0 ? 0 : 1;
        }
        if (parsed.problems.length > 0) {
          process.stdout.write(`${file}: invalid, ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}:\n`);
          for (const p of parsed.problems) process.stdout.write(`  - ${p.path || '/'}: ${p.message}\n`);
          return 1;
        }
        process.stdout.write(`${file}: valid\n`);
        if (effective) printEffectiveConfig(effective);
        return 0;
      }),
    );
}

/** The server settings when named by --settings or $INTEGRALGIT_SETTINGS; validate needs none otherwise. */
function explicitSettings(cmd: Command): Settings | undefined {
  if (!globals(cmd).settings && !process.env[SETTINGS_ENV]) return undefined;
  return cliSettings(cmd, {}, { readOnly: true });
}

function locationProblems(effective: EffectiveConfig, allowedRoots: string[]): Problem[] {
  const location = effective.config.location;
  if (location === undefined) return [];
  const layer = effective.provenance.find((p) => p.key === 'location')?.layer ?? 'base';
  try {
    assertLocationAllowed(location, allowedRoots);
    return [];
  } catch (err) {
    return [{ path: `/configs/${layer.replace(/^(host|group):/, '')}/location`, message: `for host ${effective.host}: ${(err as Error).message}` }];
  }
}
