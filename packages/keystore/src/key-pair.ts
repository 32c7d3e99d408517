/**
 * Which certificates belong to a private key: those whose subjectPublicKeyInfo (RFC 5280
 * §4.1.2.7) is the public half of the key. A PEM bundle or two --key files may carry other
 * certificates (the CA, another identity), so the pairing is checked, never assumed.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type * as Smime from '@sealpost/smime';

function publicKeyInfoOf(key: Smime.SmimePrivateKey): Uint8Array {
  const privateKey = createPrivateKey({
    key: Buffer.from(key.pkcs8),
    format: 'der',
    type: 'pkcs8',
  });
  return new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The certificates (in the given order) issued for this private key. */
export function certificatesForKey(
  key: Smime.SmimePrivateKey,
  certificates: readonly Smime.SmimeCertificate[],
): Smime.SmimeCertificate[] {
  const spki = publicKeyInfoOf(key);
  return certificates.filter((cert) =>
    sameBytes(new Uint8Array(cert.pkijs.subjectPublicKeyInfo.toSchema().toBER()), spki),
  );
}
