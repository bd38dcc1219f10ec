import fs from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '../../lib/log/logger';
import { LineWriter } from '../../lib/log/line-writer';
import { makeTempDir } from '../helpers/git-fixture';

// Issue 16, idle memory: plain lines are written without winston. They must be the lines
// winston writes, byte for byte, to the same file; winston takes over where they would differ.
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /gm;

async function fileText(file: string, lines: number): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.split('\n').length > lines) return text.replace(TIME, '<time> ');
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${file} did not get ${lines} lines`);
}

/** The same calls through the line writer and through winston alone (forced by asking for `level`). */
const calls = (log: Logger): void => {
  log.info('settings: /etc/integralgit/settings.yaml');
  log.warn('[app] config abc is invalid (2 problems)', { problems: ['/configs: must be object', '/x: unknown key'] });
  log.error('[app#3] unexpected error', { stack: undefined, repo: 'app', n: 3, nested: { a: [1, 'b'] } });
  log.debug('dropped at level info');
  log.info('');
  log.info('ünïcode ✓', { note: 'a=b c' });
  // lines the writer refuses: winston formats them, in order
  log.info('%s token', { kept: false });
  log.warn('with a message key', { message: 'appended' });
  log.error(new Error('an Error as the message') as unknown as string);
  log.info('after the hand-over');
};

describe('log lines written without winston', () => {
  const dir = makeTempDir('ig-log-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are byte for byte the lines winston writes, and winston writes the ones the writer cannot', async () => {
    const light = path.join(dir, 'light');
    const full = path.join(dir, 'full');
    calls(createLogger({ dataDir: light, console: false }));
    const viaWinston = createLogger({ dataDir: full, console: false });
    expect(viaWinston.level).toBe('info');
    calls(viaWinston);
    const expected = await fileText(path.join(full, 'integralgit.log'), 9);
    expect(await fileText(path.join(light, 'integralgit.log'), 9)).toBe(expected);
    expect(expected).toContain('<time> warn  [app] config abc is invalid (2 problems) problems=["/configs: must be object","/x: unknown key"]\n');
  });

  it('hands the line that reaches the rotation size to winston, and writes no more itself', async () => {
    const file = path.join(dir, 'small.log');
    fs.writeFileSync(file, 'x'.repeat(90));
    const writer = new LineWriter({ file, console: false, level: 'info', maxBytes: 200 });
    expect(writer.write('info', ['first line'])).toBe(true);
    expect(writer.write('info', ['a line long enough to reach the rotation size of this file'])).toBe(false);
    await writer.close();
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^x{90}\S+ info {2}first line\n$/);
    expect(writer.write('info', ['short'])).toBe(false);
  });

  it('refuses an unknown level or a file it cannot open, so that winston reports them as before', () => {
    const writer = new LineWriter({ file: path.join(dir, 'no', 'such', 'dir', 'x.log'), console: false, level: 'info', maxBytes: 1000 });
    expect(writer.write('info', ['x'])).toBe(false);
    expect(new LineWriter({ console: false, level: 'loud', maxBytes: 1000 }).write('info', ['x'])).toBe(false);
    expect(new LineWriter({ console: false, level: 'info', maxBytes: 1000 }).write('notice', ['x'])).toBe(false);
    // names every object has are not levels
    expect(new LineWriter({ console: false, level: 'info', maxBytes: 1000 }).write('toString', ['x'])).toBe(false);
    expect(new LineWriter({ console: false, level: 'constructor', maxBytes: 1000 }).write('info', ['x'])).toBe(false);
    expect(typeof createLogger({ console: false }).toString()).toBe('string');
  });
});
