/**
 * A throwaway GnuPG S/MIME (gpgsm) home for interop tests: the test CA imported and marked
 * trusted in trustlist.txt, a user's PKCS#12 imported, CRL checks off (the test CA has no
 * CRL), loopback pinentry. `dispose()` kills the gpg-agent it started and removes the home.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, runCommand } from './openssl.js';

export class GpgsmHome {
  private constructor(
    readonly dir: string,
    private readonly passphrase: string,
  ) {}

  /** `caDer`: the CA to trust; `pkcs12`: a legacy (3DES) .p12 — gpgsm 2.2 cannot read AES ones. */
  static async create(options: {
    caDer: Uint8Array;
    pkcs12?: Uint8Array;
    passphrase?: string;
  }): Promise<GpgsmHome> {
    const dir = await mkdtemp(join(tmpdir(), 'sealpost-gpgsm-'));
    const home = new GpgsmHome(dir, options.passphrase ?? '');
    await writeFile(join(dir, 'gpg-agent.conf'), 'allow-loopback-pinentry\n', { mode: 0o600 });
    const fingerprint = createHash('sha1')
      .update(options.caDer)
      .digest('hex')
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1:');
    // "S": trusted for S/MIME; "relax": do not insist on every RFC 5280 detail of the test CA.
    await writeFile(join(dir, 'trustlist.txt'), `${fingerprint} S relax\n`, { mode: 0o600 });
    await home.importFile('ca.der', options.caDer);
    if (options.pkcs12) await home.importFile('user.p12', options.pkcs12);
    return home;
  }

  private async importFile(name: string, data: Uint8Array): Promise<void> {
    const path = await this.write(name, data);
    const result = await this.run(['--import', path]);
    if (result.code !== 0) throw new Error(`gpgsm --import ${name} failed: ${result.stderr}`);
  }

  async write(name: string, data: Uint8Array | string): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, data, { mode: 0o600 });
    return path;
  }

  /** Runs gpgsm with this home; the passphrase goes in on stdin, so data must be files. */
  run(args: readonly string[], timeoutMs = 20_000): Promise<CommandResult> {
    return runCommand(
      'gpgsm',
      [
        '--homedir',
        this.dir,
        '--batch',
        '--no-tty',
        '--disable-crl-checks',
        '--pinentry-mode',
        'loopback',
        '--passphrase-fd',
        '0',
        ...args,
      ],
      { input: `${this.passphrase}\n`, timeoutMs },
    );
  }

  async dispose(): Promise<void> {
    await runCommand('gpgconf', ['--homedir', this.dir, '--kill', 'gpg-agent'], {
      timeoutMs: 10_000,
    }).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
