/**
 * EFAIL (USENIX Security 2018) malleability: EnvelopedData with AES-CBC has no integrity, so
 * a flipped ciphertext bit flips the same bit of the next plaintext block and the message
 * still decrypts. The result must say so (`integrity: 'none'`); AuthEnvelopedData (AES-GCM,
 * `integrity: 'aead'`) refuses the same change.
 */
import { joinMessage } from '@sealpost/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope, parseEnvelope } from '../../src/cms/auth-enveloped-data.js';
import { decryptCms } from '../../src/cms/decrypt-cms.js';
import { encryptCms } from '../../src/cms/encrypt-cms.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { pkcs7MimeEntity } from '../../src/mime/smime-entity.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { type Fixtures, fixtures, text } from '../fixtures.js';

const BLOCK = 16;
/** Block 0–1 headers, then "account 1234" inside a later block. */
const PLAIN = new TextEncoder().encode(
  'Content-Type: text/plain\r\n\r\nPadding so that the amount sits in its own block....\r\n' +
    'Please wire 100 EUR to account 1234.\r\n',
);

let f: Fixtures;
beforeAll(async () => {
  f = await fixtures();
});

/** Changes plaintext byte `at` from `from` to `to` by flipping ciphertext block at-16. */
function flipPlaintextByte(der: Uint8Array, at: number, from: string, to: string): Uint8Array {
  const envelope = parseEnvelope(der);
  const ciphertext = envelope.ciphertext.slice();
  const delta = from.charCodeAt(0) ^ to.charCodeAt(0);
  // For GCM (a stream cipher) the byte itself is flipped: the tag must catch it.
  const index = envelope.kind === 'envelopedData' ? at - BLOCK : at;
  ciphertext[index] = ciphertext[index]! ^ delta;
  return encodeEnvelope({
    kind: envelope.kind,
    recipientInfos: envelope.recipientInfos.map((r) => new Uint8Array(r.toSchema().toBER())),
    contentEncryptionAlgorithm: envelope.contentEncryptionAlgorithm,
    ciphertext,
    ...(envelope.mac ? { mac: envelope.mac } : {}),
  });
}

const at = text(PLAIN).indexOf('100 EUR');
const bob = () => ({ ...f.bob.rsa, rsaRawDecrypt });

describe('CBC EnvelopedData is malleable and says so', () => {
  it('a flipped ciphertext block changes "100" to "900" and still decrypts, integrity none', async () => {
    expect(Math.floor(at / BLOCK)).toBeGreaterThan(2);
    const der = await encryptCms(PLAIN, [f.bob.rsa.certificate], {
      contentEncryption: 'aes-256-cbc',
    });
    const untouched = await decryptCms(der, bob());
    expect(untouched.integrity).toBe('none');
    const tampered = await decryptCms(flipPlaintextByte(der, at, '1', '9'), bob());
    expect(tampered.integrity).toBe('none');
    expect(text(tampered.content)).toContain('Please wire 900 EUR to account 1234.');

    const message = joinMessage(
      [{ name: 'From', value: 'alice@example.test' }],
      pkcs7MimeEntity('enveloped-data', flipPlaintextByte(der, at, '1', '9')),
    );
    const opened = await decryptMime(message, bob());
    expect(opened.encryption).toMatchObject({ structure: 'envelopedData', integrity: 'none' });
    expect(opened.signature).toBeUndefined();
  });

  it('the same change to AES-GCM AuthEnvelopedData is refused; untouched it is integrity aead', async () => {
    const der = await encryptCms(PLAIN, [f.bob.rsa.certificate]);
    expect((await decryptCms(der, bob())).integrity).toBe('aead');
    await expect(decryptCms(flipPlaintextByte(der, at, '1', '9'), bob())).rejects.toMatchObject({
      code: 'ESMIME_DECRYPT',
    });
  });
});
