/**
 * What `--keep DIR` writes for a class: the recipient's throwaway keys and the demo CA
 * (marked as throwaway in every name), and a README that maps each kept file to its path,
 * case and observer, with the `gpg` and `openssl cms` commands (RFC 3156, RFC 8551) that open
 * the kept end-to-end encrypted copies.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoCase } from './demo-case.js';
import type { DemoIdentities } from './demo-identities.js';
import { PATHS } from './demo-paths.js';
import type { DemoResult } from './run-demo.js';

export const KEY_FILES = {
  ca: 'keys/THROWAWAY-demo-ca.crt',
  pgpSecret: 'keys/THROWAWAY-bob-openpgp-secret-key.asc',
  senderPgp: 'keys/THROWAWAY-alice-openpgp-public-key.asc',
  smimeKey: 'keys/THROWAWAY-bob-smime-private-key.pem',
  smimeCert: 'keys/THROWAWAY-bob-smime-certificate.pem',
} as const;

const HOP_OBSERVER = {
  submission: 'the submission server',
  relay: 'the relay',
  mailbox: "the recipient's mailbox server",
} as const;

function caseFiles(prefix: string, cases: readonly DemoCase[]): string[] {
  const rows: string[] = [];
  cases.forEach((c, i) => {
    const copy = String(i + 1).padStart(3, '0');
    for (const hop of ['submission', 'relay', 'mailbox'] as const) {
      if (hop === 'mailbox' && !c.delivered) continue;
      rows.push(
        `| \`${prefix}hops/${hop}/${copy}.eml\` | ${c.title} | what ${HOP_OBSERVER[hop]} stored |`,
      );
    }
    const links: [string, string][] = [
      ['you-submission-implicit-tls', 'a wiretap on you → submission (the implicit-TLS port used)'],
      ['you-submission-starttls', 'a wiretap on the STARTTLS port (unused: empty)'],
      ['submission-relay', 'a wiretap on submission → relay'],
      c.path === 'tls-everywhere'
        ? ['relay-mailbox', 'a wiretap on relay → mailbox']
        : ['attacker-on-relay-mailbox', 'the attacker on relay → mailbox: every byte it received'],
    ];
    for (const [name, what] of links)
      rows.push(`| \`${prefix}${c.name}.link.${name}.bin\` | ${c.title} | ${what} |`);
  });
  return rows;
}

export function keepGuide(result: DemoResult): string {
  const attacks = new Map(result.attacks.map((a) => [a.name, a.cases]));
  const sections = PATHS.map((path) => {
    const cases = path.name === 'tls-everywhere' ? result.cases : (attacks.get(path.name) ?? []);
    const prefix = path.name === 'tls-everywhere' ? '' : `${path.name}/`;
    return [
      `## ${path.title}`,
      '',
      `Relay → mailbox: ${path.relayDelivery}.`,
      '',
      '| file | case | observer |',
      '| --- | --- | --- |',
      ...caseFiles(prefix, cases),
      '',
    ].join('\n');
  });
  const pgpCopy = 'hops/mailbox/002.eml';
  const smimeCopy = 'hops/mailbox/003.eml';
  return [
    '# sealpost demo: the kept files',
    '',
    'Every file here was made by one run of `sealpost demo`. The `.eml` files are the copies each',
    'server stored, byte for byte; the `.bin` files are what crossed each network link (both',
    'directions, one after the other). Copies are numbered in sending order: 001 transport TLS',
    'only, 002 OpenPGP, 003 S/MIME.',
    '',
    '**The keys in `keys/` are THROWAWAY keys made for this one run.** They protect nothing; never',
    'use them for real mail. They are here so you can check with standard tools that the kept',
    'copies really are encrypted, and that the recipient, and only the recipient, can open them.',
    '',
    ...sections,
    '## Opening the end-to-end encrypted copies yourself',
    '',
    "OpenPGP (GnuPG, in a throwaway home directory so your own keyring is not touched; Alice's",
    'public key checks the signature inside):',
    '',
    '```sh',
    'mkdir -m 700 gnupg-throwaway',
    `gpg --homedir gnupg-throwaway --batch --import ${KEY_FILES.pgpSecret} ${KEY_FILES.senderPgp}`,
    `gpg --homedir gnupg-throwaway --batch --decrypt ${pgpCopy}`,
    '```',
    '',
    'S/MIME (OpenSSL): decrypt, then check the signature inside against the throwaway CA:',
    '',
    '```sh',
    `openssl cms -decrypt -in ${smimeCopy} -inkey ${KEY_FILES.smimeKey} -recip ${KEY_FILES.smimeCert} -out smime-opened.eml`,
    `openssl cms -verify -in smime-opened.eml -CAfile ${KEY_FILES.ca} -purpose any`,
    '```',
    '',
    "The same commands open the relay's copies (`hops/relay/002.eml`, `hops/relay/003.eml`) and",
    "those of the attacked path (`starttls-stripped/hops/mailbox/…`): the attacker's recording",
    '`starttls-stripped/pgp.link.attacker-on-relay-mailbox.bin` holds the same ciphertext.',
    '',
  ].join('\n');
}

export async function writeKeepGuide(
  dir: string,
  result: DemoResult,
  ids: DemoIdentities,
): Promise<void> {
  await mkdir(join(dir, 'keys'), { recursive: true });
  const files: [string, string][] = [
    [KEY_FILES.ca, ids.caPem],
    [KEY_FILES.pgpSecret, ids.recipientPgp.armoredPrivateKey],
    [KEY_FILES.senderPgp, ids.senderPgpPublicKey],
    [KEY_FILES.smimeKey, ids.recipientSmime.keyPem],
    [KEY_FILES.smimeCert, ids.recipientSmime.certPem],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text, { mode: 0o600 });
  await writeFile(join(dir, 'README.md'), keepGuide(result));
}
