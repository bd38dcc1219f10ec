import fs from 'node:fs';
import path from 'node:path';
import { loadSettings } from '../../lib/settings/load-settings';
import { makeTempDir } from '../helpers/git-fixture';

const root = path.resolve(__dirname, '../..');

/** The shipped files (SPEC §12) say the same as each other and as the docs. */
describe('packaging files', () => {
  it('packaging/settings.example.yaml loads, with its systemd credential in place', () => {
    const dir = makeTempDir('ig-example-');
    try {
      const text = fs.readFileSync(path.join(root, 'packaging/settings.example.yaml'), 'utf8');
      const credential = path.join(dir, 'myapp-webhook');
      fs.writeFileSync(credential, 'from-the-credential\n');
      // the credential path only exists under systemd: point it at a temp file
      const file = path.join(dir, 'settings.yaml');
      fs.writeFileSync(file, text.replace('/run/credentials/integralgit.service/myapp-webhook', credential));
      const s = loadSettings(file, { dataDir: path.join(dir, 'data') }, {});
      expect(s.repos.myapp.secret).toBe('from-the-credential');
      expect(s.repos.myapp.retention).toEqual({ deployments: 5000, deliveries: 10000 });
      expect(s.allowedRoots).toEqual(['/srv/www']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the unit loads the credential the example settings read, and the settings file it names', () => {
    const unit = fs.readFileSync(path.join(root, 'packaging/systemd/integralgit.service'), 'utf8');
    const example = fs.readFileSync(path.join(root, 'packaging/settings.example.yaml'), 'utf8');
    const credential = /^LoadCredential=([^:]+):/m.exec(unit)?.[1];
    expect(example).toContain(`secretFile: /run/credentials/integralgit.service/${credential}`);
    expect(unit).toMatch(/^Environment=INTEGRALGIT_SETTINGS=\/etc\/integralgit\/settings\.yaml$/m);
    for (const line of ['UMask=0077', 'ProtectSystem=strict', 'KillMode=control-group', 'NoNewPrivileges=yes', 'StateDirectory=integralgit', 'User=integralgit']) {
      expect(unit).toContain(line);
    }
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
  });

  it('the Dockerfile checks health with `integralgit healthcheck` and runs as a non-root user', () => {
    const docker = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(docker).toMatch(/HEALTHCHECK[^\n]*\n\s*CMD \["node", "bin\/integralgit.js", "healthcheck"\]/);
    expect(docker).toContain('npm ci --omit=dev');
    expect(docker).toMatch(/^USER integralgit$/m);
    expect(docker).not.toContain('127.0.0.1:8080');
  });
});
