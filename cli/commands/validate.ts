import fs from 'node:fs';
import type { Command } from 'commander';
import { IntegralGitError } from '../../lib/errors';
import { action } from '../run-command';
import { printJson } from '../cli-context';
import { printEffectiveConfig } from './print-effective-config';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .argument('<file>', 'a repo config file (the `config` of the integralgit branch)')
    .option('--host <name>', 'also print the effective config for this host')
    .option('--json', 'machine-readable output')
    .description('check a repo config file before pushing it (exit 1 with every problem)')
    .action(
      action(async (file: string, opts: { host?: string; json?: boolean }) => {
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
        const effective = parsed.config && opts.host ? resolveHostConfig(parsed.config, opts.host) : undefined;
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
