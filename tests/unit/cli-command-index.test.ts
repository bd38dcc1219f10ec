import { Command } from 'commander';
import { addGlobalOptions } from '../../cli/global-options';
import { COMMAND_MODULES, commandNameIn, registrationsFor } from '../../cli/command-index';

/** Which command modules a command line needs: the named one only, or all of them. */
describe('command index', () => {
  const program = (): Command => addGlobalOptions(new Command());
  const argv = (...args: string[]): string[] => ['node', 'integralgit', ...args];

  it.each([
    [['status'], 'status'],
    [['--settings', 'status.json', 'status'], 'status'],
    [['--log-format', 'json', '--debug', 'config', 'app'], 'config'],
    [['--settings=x.json', 'deliveries', '--limit', '3'], 'deliveries'],
    [['help', 'trigger'], 'trigger'],
    [['--data-dir', 'd', 'help', 'unpin'], 'unpin'],
    [['help'], undefined],
    [['--help'], undefined],
    [[], undefined],
    [['--', 'status'], undefined],
  ])('%j names %s', (args, name) => {
    expect(commandNameIn(program(), args)).toBe(name);
  });

  it('registers only the named command, and every command for help or an unknown name', () => {
    const only = program();
    for (const register of registrationsFor(only, argv('--settings', 's.json', 'rollback', 'app'))) register(only);
    expect(only.commands.map((c) => c.name())).toEqual(['rollback', 'unpin']);

    const everyName = COMMAND_MODULES.flatMap((m) => m.names);
    for (const args of [['--help'], ['frobnicate'], ['help']]) {
      const all = program();
      for (const register of registrationsFor(all, argv(...args))) register(all);
      expect(all.commands.map((c) => c.name())).toEqual(everyName);
    }
  });

  it('registers no command for --version alone, and every command when help is asked for too', () => {
    expect(registrationsFor(program(), argv('--version'))).toEqual([]);
    expect(registrationsFor(program(), argv('-V'))).toEqual([]);
    expect(registrationsFor(program(), argv('--version', '--help'))).toHaveLength(COMMAND_MODULES.length);
  });
});
