/** Shared fixtures for the interop and security suites: test-CA certificates and a message. */
import {
  type IssuedCertificate,
  sharedTestCa,
  type TestCa,
  type TestKeyType,
} from '@sealpost/testkit';
import { readCertificate, type SmimeCertificate } from '../src/certificate.js';
import { readPrivateKey, type SmimePrivateKey } from '../src/private-key.js';

export interface Party {
  readonly address: string;
  readonly issued: IssuedCertificate;
  readonly certificate: SmimeCertificate;
  readonly privateKey: SmimePrivateKey;
}

export async function party(ca: TestCa, address: string, keyType: TestKeyType): Promise<Party> {
  const issued = await ca.issueEmailCertificate(address, { keyType });
  return {
    address,
    issued,
    certificate: readCertificate(issued.certDer),
    privateKey: readPrivateKey(issued.keyPem),
  };
}

export interface Fixtures {
  readonly ca: TestCa;
  readonly anchor: SmimeCertificate;
  readonly alice: Record<'rsa' | 'ec', Party>;
  readonly bob: Record<'rsa' | 'ec' | 'ec384', Party>;
}

export async function fixtures(): Promise<Fixtures> {
  const ca = await sharedTestCa();
  const [aliceRsa, aliceEc, bobRsa, bobEc, bobEc384] = await Promise.all([
    party(ca, 'alice@example.test', 'rsa-2048'),
    party(ca, 'alice@example.test', 'ec-p256'),
    party(ca, 'bob@example.test', 'rsa-2048'),
    party(ca, 'bob@example.test', 'ec-p256'),
    party(ca, 'bob@example.test', 'ec-p384'),
  ]);
  return {
    ca,
    anchor: readCertificate(ca.certDer),
    alice: { rsa: aliceRsa, ec: aliceEc },
    bob: { rsa: bobRsa, ec: bobEc, ec384: bobEc384 },
  };
}

export const BODY_LINE = 'The quarterly numbers are in: 42.';

/** A plain message as a mail client would hand it over (LF line ends, 8-bit text). */
export const MESSAGE = new TextEncoder().encode(
  [
    'From: Alice <alice@example.test>',
    'To: Bob <bob@example.test>',
    'Subject: Quarterly numbers',
    'Date: Fri, 27 Nov 2026 12:00:00 +0000',
    'Message-ID: <interop-1@example.test>',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    BODY_LINE,
    'Grüße, Alice',
    '',
  ].join('\n'),
);

/** A MIME entity (what `openssl cms -in` is given), CRLF. */
export const ENTITY = new TextEncoder().encode(
  `Content-Type: text/plain; charset=us-ascii\r\n\r\n${BODY_LINE}\r\n`,
);

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
