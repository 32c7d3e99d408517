/**
 * Signed content confusion (CVE-2018-18509 class; "Johnny, You Are Fired!", USENIX Security
 * 2019, §5): what the signature covers must be byte for byte what is shown. Every hostile
 * message is made here, with `openssl cms -sign` (with and without -nodetach) or the pkijs
 * builders in hostile-signed-data.ts.
 */
import { decodeBody, splitMessage } from '@sealpost/compose';
import { openssl, tempFiles } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { signMime } from '../../src/mime/sign-mime.js';
import { verifyMime } from '../../src/mime/verify-mime.js';
import { rsaRawDecrypt } from '../../src/node/rsa-raw-decrypt.js';
import { OID } from '../../src/oids.js';
import { type Fixtures, fixtures, MESSAGE, text } from '../fixtures.js';
import {
  encryptedAround,
  hostileSignedData,
  multipartSigned,
  multipartSignedEntity,
  opaqueSigned,
} from './hostile-signed-data.js';

const enc = new TextEncoder();
/** What the attacker wants shown under "valid". */
const SHOWN = 'Content-Type: text/plain\r\n\r\nPlease pay 1000 EUR to Mallory, account 6666.\r\n';
/** What alice really signed (some earlier, harmless message). */
const SIGNED = 'Content-Type: text/plain\r\n\r\nSee you at lunch.\r\n';

let f: Fixtures;
let files: Awaited<ReturnType<typeof tempFiles>>;
let signer: { cert: string; key: string };

/** `openssl cms -sign` by alice (EC), DER; opaque with -nodetach. */
async function opensslSign(content: string, nodetach: boolean): Promise<Uint8Array> {
  const input = await files.write('content.txt', content);
  const args = ['cms', '-sign', '-binary', '-md', 'sha256', '-in', input];
  return new Uint8Array(
    await openssl([
      ...args,
      ...(nodetach ? ['-nodetach'] : []),
      ...['-signer', signer.cert, '-inkey', signer.key, '-outform', 'DER'],
    ]),
  );
}

const trust = () => ({ trustAnchors: [f.anchor] });
const bob = () => ({ ...f.bob.rsa, rsaRawDecrypt, trustAnchors: [f.anchor] });
const confusion = { code: 'ESMIME_CONTENT_CONFUSION' };

beforeAll(async () => {
  f = await fixtures();
  files = await tempFiles('sealpost-smime-confusion-');
  signer = {
    cert: await files.write('alice.pem', f.alice.ec.issued.certPem),
    key: await files.write('alice.key', f.alice.ec.issued.keyPem),
  };
});
afterAll(async () => {
  await files.dispose();
});

describe('multipart/signed whose signature carries its own content (eContent)', () => {
  it('an opaque signature of other text under an attacker-chosen first part is refused', async () => {
    const opaque = await opensslSign(SIGNED, true);
    // The opaque signature is good on its own: the builders are not the reason for the refusal.
    expect((await verifyMime(opaqueSigned(opaque), trust())).signature.status).toBe('valid');
    await expect(verifyMime(multipartSigned(SHOWN, opaque), trust())).rejects.toMatchObject(
      confusion,
    );
  });

  it('is refused even when the eContent equals the first part (RFC 5652 §5.2: none allowed)', async () => {
    const opaque = await opensslSign(SHOWN, true);
    await expect(verifyMime(multipartSigned(SHOWN, opaque), trust())).rejects.toMatchObject(
      confusion,
    );
  });

  it('the same made with pkijs (eContent "SIGNED", signer over it) is refused', async () => {
    const der = await hostileSignedData({
      eContent: enc.encode(SIGNED),
      signers: [{ party: f.alice.rsa, signs: enc.encode(SIGNED) }],
    });
    await expect(verifyMime(multipartSigned(SHOWN, der), trust())).rejects.toMatchObject(confusion);
  });

  it('inside an encrypted message (signed-then-encrypted), decryptMime refuses it too', async () => {
    const opaque = await opensslSign(SIGNED, true);
    const message = await encryptedAround(multipartSignedEntity(SHOWN, opaque), f.bob.rsa);
    await expect(decryptMime(message, bob())).rejects.toMatchObject(confusion);
  });

  it('an honest signed-then-encrypted message still decrypts with a valid signature', async () => {
    const detached = await opensslSign(SHOWN, false);
    const message = await encryptedAround(multipartSignedEntity(SHOWN, detached), f.bob.rsa);
    const opened = await decryptMime(message, bob());
    expect(opened.signature?.status).toBe('valid');
    expect(text(opened.entity.body)).toContain('pay 1000 EUR');
  });
});

describe('opaque signed-data', () => {
  it('is shown from its eContent only', async () => {
    const opened = await verifyMime(opaqueSigned(await opensslSign(SIGNED, true)), trust());
    expect(opened.signature.status).toBe('valid');
    expect(text(opened.message)).toContain('See you at lunch.');
    expect(text(opened.message)).not.toContain('Mallory');
  });

  it('with an empty eContent is refused', async () => {
    const der = await hostileSignedData({
      eContent: new Uint8Array(0),
      signers: [{ party: f.alice.ec, signs: new Uint8Array(0) }],
    });
    await expect(verifyMime(opaqueSigned(der), trust())).rejects.toMatchObject(confusion);
  });

  it('without any eContent (a detached signature sent as opaque) is refused', async () => {
    const der = await opensslSign(SIGNED, false);
    await expect(verifyMime(opaqueSigned(der), trust())).rejects.toMatchObject(confusion);
  });

  it('whose eContent is not id-data (a SignedData nested inside) is refused', async () => {
    const inner = await opensslSign(SHOWN, true);
    const der = await hostileSignedData({
      eContentType: OID.signedData,
      eContent: inner,
      signers: [{ party: f.alice.ec, signs: inner }],
    });
    await expect(verifyMime(opaqueSigned(der), trust())).rejects.toMatchObject(confusion);
  });

  it('with two SignerInfos over different content is refused', async () => {
    const der = await hostileSignedData({
      eContent: enc.encode(SIGNED),
      signers: [
        { party: f.alice.rsa, signs: enc.encode(SIGNED) },
        { party: f.alice.ec, signs: enc.encode(SHOWN) },
      ],
    });
    await expect(verifyMime(opaqueSigned(der), trust())).rejects.toMatchObject(confusion);
  });

  it('with two SignerInfos over the same content is valid', async () => {
    const der = await hostileSignedData({
      eContent: enc.encode(SIGNED),
      signers: [
        { party: f.alice.rsa, signs: enc.encode(SIGNED) },
        { party: f.alice.ec, signs: enc.encode(SIGNED) },
      ],
    });
    const opened = await verifyMime(opaqueSigned(der), trust());
    expect(opened.signature.signers.map((s) => s.status)).toEqual(['valid', 'valid']);
  });
});

describe('a valid detached signature reused under another first part', () => {
  it('our own signature, moved under another first part, is invalid', async () => {
    const signed = await signMime(MESSAGE, { ...f.alice.ec, chain: [f.anchor] });
    const { parseMultipart } = await import('@sealpost/compose');
    const { parts } = parseMultipart(splitMessage(signed).entity);
    const der = decodeBody(parts[1]!.entity);
    const result = await verifyMime(multipartSigned(SHOWN, der), trust());
    expect(result.signature.status).toBe('invalid');
    expect(result.signature.signers[0]!.error!.code).toBe('ESMIME_SIGNATURE_INVALID');
  });

  it("openssl's detached signature of other text is invalid under the attacker's part", async () => {
    const detached = await opensslSign(SIGNED, false);
    expect((await verifyMime(multipartSigned(SIGNED, detached), trust())).signature.status).toBe(
      'valid',
    );
    const result = await verifyMime(multipartSigned(SHOWN, detached), trust());
    expect(result.signature.status).toBe('invalid');
  });

  it('a second part that is not application/pkcs7-signature is refused', async () => {
    const detached = await opensslSign(SHOWN, false);
    const message = text(multipartSigned(SHOWN, detached)).replace(
      'Content-Type: application/pkcs7-signature; name=smime.p7s',
      'Content-Type: application/octet-stream',
    );
    await expect(verifyMime(enc.encode(message), trust())).rejects.toMatchObject({
      code: 'ESMIME_FORMAT',
    });
  });
});
