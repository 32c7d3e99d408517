// A private directory for one large-message suite: its files, a HOME and XDG directories that
// hold no developer's settings, and the TMPDIR the binary spools into, so a suite can check
// that nothing was left there.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export class Workplace {
  dir = '';
  #runs = 0;

  /** Makes the directory with its xdg/ and tmp/ (call it in beforeAll). */
  create(prefix: string): string {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(this.file('xdg'));
    mkdirSync(this.spoolBase());
    return this.dir;
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  readonly file = (name: string): string => join(this.dir, name);
  /** The binary's TMPDIR: its spool and temporary plaintext go there. */
  readonly spoolBase = (): string => this.file('tmp');
  readonly env = (): NodeJS.ProcessEnv => ({
    HOME: this.dir,
    XDG_CONFIG_HOME: this.file('xdg'),
    XDG_DATA_HOME: this.file('data'),
    TMPDIR: this.spoolBase(),
  });
  /** A path not used before in this suite: `name-N.eml`. */
  readonly fresh = (name: string): string => this.file(`${name}-${++this.#runs}.eml`);
  /** A new numbered name without the .eml (directories, say). */
  readonly numbered = (name: string): string => this.file(`${name}-${++this.#runs}`);
  /**
   * An S/MIME identity's files: `name.pem` (the certificate, what others encrypt to or anchor
   * on), `name.key` (its key) and `name-identity.pem` (both, what `--key` / `--sign-key` read).
   */
  readonly writeCertificate = (name: string, cert: { certPem: string; keyPem: string }): void => {
    writeFileSync(this.file(`${name}.pem`), cert.certPem);
    writeFileSync(this.file(`${name}.key`), cert.keyPem);
    writeFileSync(this.file(`${name}-identity.pem`), `${cert.certPem}${cert.keyPem}`);
  };
  readonly spoolIsEmpty = (): void => {
    expect(readdirSync(this.spoolBase())).toEqual([]);
  };
}
