/**
 * Everything the demo needs that a real user would already have: a CA for the servers, an
 * OpenPGP key and an S/MIME certificate for the sender and for the recipient. All throwaway,
 * made fresh on every run, never written anywhere unless --keep asks for the files.
 */

import type { KeySet } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { ThrowawayCa } from '@sealpost/throwaway-ca';

export const SENDER = 'alice@sender.localhost';
export const RECIPIENT = 'bob@recipient.localhost';

export interface DemoIdentities {
  readonly caPem: string;
  readonly serverTls: { readonly keyPem: string; readonly chainPem: string };
  readonly recipientPgp: pgp.GeneratedKey;
  /** Armored, for the throwaway files `--keep` writes. */
  readonly senderPgpPublicKey: string;
  readonly recipientSmime: {
    readonly certificate: smime.SmimeCertificate;
    readonly privateKey: smime.SmimePrivateKey;
    readonly certPem: string;
    /** PKCS#8 PEM, for the throwaway files `--keep` writes. */
    readonly keyPem: string;
  };
  readonly keys: KeySet;
}

export async function createDemoIdentities(): Promise<DemoIdentities> {
  const ca = await ThrowawayCa.create({ name: 'sealpost demo CA' });
  const [serverTls, recipientCert, senderCert, recipientPgp, senderPgp] = await Promise.all([
    ca.issueServerCertificate({
      hosts: ['localhost', '127.0.0.1', 'mx.recipient.localhost', 'mta-sts.recipient.localhost'],
    }),
    ca.issueEmailCertificate(RECIPIENT, { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate(SENDER, { keyType: 'rsa-2048' }),
    pgp.generateKey({ userIds: [{ name: 'Bob (demo)', email: RECIPIENT }] }),
    pgp.generateKey({ userIds: [{ name: 'Alice (demo)', email: SENDER }] }),
  ]);
  const caCert = smime.readCertificate(ca.certPem);
  const recipientSmime = {
    certificate: smime.readCertificate(recipientCert.certPem),
    privateKey: smime.readPrivateKey(recipientCert.keyPem),
    certPem: recipientCert.certPem,
    keyPem: recipientCert.keyPem,
  };
  const keys: KeySet = {
    recipients: new Map([
      [
        RECIPIENT,
        [
          {
            scheme: 'pgp',
            address: RECIPIENT,
            fingerprint: recipientPgp.fingerprint.toLowerCase(),
            source: 'file',
            material: recipientPgp.publicKey,
          },
          {
            scheme: 'smime',
            address: RECIPIENT,
            fingerprint: recipientCert.fingerprint256,
            source: 'file',
            material: recipientSmime.certificate,
          },
        ],
      ],
    ]),
    signers: {
      pgp: {
        scheme: 'pgp',
        fingerprint: senderPgp.fingerprint.toLowerCase(),
        source: 'file',
        material: { privateKey: senderPgp.privateKey },
      },
      smime: {
        scheme: 'smime',
        fingerprint: senderCert.fingerprint256,
        source: 'file',
        material: {
          certificate: smime.readCertificate(senderCert.certPem),
          privateKey: smime.readPrivateKey(senderCert.keyPem),
          chain: [caCert],
        },
      },
    },
  };
  return {
    caPem: ca.certPem,
    serverTls: { keyPem: serverTls.keyPem, chainPem: serverTls.chainPem },
    recipientPgp,
    senderPgpPublicKey: senderPgp.armoredPublicKey,
    recipientSmime,
    keys,
  };
}
