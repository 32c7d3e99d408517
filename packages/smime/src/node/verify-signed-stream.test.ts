import {
  canonicalizeLineEnds,
  decodeBody,
  parseMultipart,
  splitMessage,
  unprotectHeaders,
} from '@sealpost/compose';
import { cyclingPieces, issueRfc8410Certificate, openssl, tempFiles } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, fixtures, MESSAGE, type Party } from '../../test/fixtures.js';
import { readCertificate } from '../certificate.js';
import { type SignerResult, verifyCms } from '../cms/verify-cms.js';
import { signMime } from '../mime/sign-mime.js';
import { verifyMime } from '../mime/verify-mime.js';
import { readPrivateKey } from '../private-key.js';
import {
  streamedSignatureReport,
  verifyDetachedStream,
  verifyOpaqueStream,
} from './verify-signed-stream.js';

type Files = Awaited<ReturnType<typeof tempFiles>>;
let f: Fixtures;
let files: Files;

beforeAll(async () => {
  f = await fixtures();
  files = await tempFiles('sealpost-smime-verify-stream-');
});
afterAll(async () => {
  await files.dispose();
});

const ENTITY = new TextEncoder().encode(
  'Content-Type: text/plain; charset=us-ascii\r\n\r\nSigned and streamed: 42.\r\n',
);

/** What a verdict says, comparable across the two paths. */
function verdicts(signers: readonly SignerResult[]) {
  return signers.map((s) => ({
    status: s.status,
    code: s.error?.code,
    message: s.error?.message,
    subject: s.certificate?.subject,
    chain: s.chain?.map((c) => c.subject),
    signingTime: s.signingTime?.toISOString(),
  }));
}

/**
 * `openssl cms -sign -binary`: with `opaque`, `-nodetach -stream` (BER, indefinite lengths,
 * chunked eContent); else a detached DER signature (with `-stream` and DER output openssl
 * would put the content in).
 */
async function opensslSign(signer: Party, content: Uint8Array, opaque: boolean) {
  const args = ['cms', '-sign', '-binary', '-outform', 'DER'];
  if (opaque) args.push('-nodetach', '-stream');
  return new Uint8Array(
    await openssl([
      ...args,
      '-in',
      await files.write('content.bin', content),
      '-signer',
      await files.write(`${signer.certificate.publicKey.type}.pem`, signer.issued.certPem),
      '-inkey',
      await files.write(`${signer.certificate.publicKey.type}.key`, signer.issued.keyPem),
    ]),
  );
}

async function opaque(der: Uint8Array, sizes?: readonly number[], anchors = [f.anchor]) {
  const out: Uint8Array[] = [];
  const result = await verifyOpaqueStream(
    cyclingPieces(der, sizes),
    { trustAnchors: anchors },
    async (chunk) => {
      out.push(Buffer.from(chunk));
    },
  );
  return { signers: result.signers, content: Buffer.concat(out) };
}

describe('verifyDetachedStream', () => {
  it.each(['rsa', 'ec'] as const)(
    'gives verifyCms’s verdict on openssl -sign -stream (detached, %s)',
    async (key) => {
      const alice = f.alice[key];
      const der = await opensslSign(alice, ENTITY, false);
      const options = { trustAnchors: [f.anchor] };
      const expected = await verifyCms(der, { ...options, detachedContent: ENTITY });
      const { signers } = await verifyDetachedStream(cyclingPieces(ENTITY, [1]), der, options);
      expect(verdicts(signers)).toEqual(verdicts(expected.signers));
      expect(signers.map((s) => s.status)).toEqual(['valid']);
      // Changed content, and no anchors: the same invalid verdicts.
      const changed = new Uint8Array(ENTITY);
      changed[changed.length - 4]! ^= 1;
      for (const [content, anchors] of [
        [changed, [f.anchor]],
        [ENTITY, []],
      ] as const) {
        const inMemory = await verifyCms(der, { trustAnchors: anchors, detachedContent: content });
        const ours = await verifyDetachedStream(cyclingPieces(content, [5]), der, {
          trustAnchors: anchors,
        });
        expect(verdicts(ours.signers)).toEqual(verdicts(inMemory.signers));
        expect(ours.signers[0]?.status).toBe('invalid');
      }
    },
  );

  it('verifies openssl -sign -stream multipart/signed from the first part’s bytes', async () => {
    const signed = await openssl([
      'cms',
      '-sign',
      '-stream',
      '-in',
      await files.write('mime.txt', ENTITY),
      '-signer',
      await files.write('alice-rsa.pem', f.alice.rsa.issued.certPem),
      '-inkey',
      await files.write('alice-rsa.key', f.alice.rsa.issued.keyPem),
    ]);
    const { entity } = splitMessage(canonicalizeLineEnds(signed));
    const [first, second] = parseMultipart(entity).parts;
    const der = decodeBody(second!.entity);
    const expected = await verifyCms(der, {
      trustAnchors: [f.anchor],
      detachedContent: first!.raw,
    });
    const { signers } = await verifyDetachedStream(cyclingPieces(first!.raw, [1]), der, {
      trustAnchors: [f.anchor],
    });
    expect(verdicts(signers)).toEqual(verdicts(expected.signers));
    expect(signers[0]?.status).toBe('valid');
  });

  it('hashes the multipart/signed first part as verifyMime does, with the same report', async () => {
    const signed = await signMime(MESSAGE, {
      certificate: f.alice.rsa.certificate,
      privateKey: f.alice.rsa.privateKey,
    });
    const expected = await verifyMime(signed, { trustAnchors: [f.anchor] });
    // The pipeline's part: canonical line ends, the first part's exact bytes, the signature.
    const { messageHeaders, entity } = splitMessage(canonicalizeLineEnds(signed));
    const [first, second] = parseMultipart(entity).parts;
    const { signers } = await verifyDetachedStream(
      cyclingPieces(first!.raw, [1, 7]),
      decodeBody(second!.entity),
      { trustAnchors: [f.anchor] },
    );
    const { hp, headers } = unprotectHeaders(first!.entity);
    const report = streamedSignatureReport('detached', signers, hp ? headers : messageHeaders);
    expect({ ...report, signers: verdicts(report.signers) }).toEqual({
      ...expected.signature,
      signers: verdicts(expected.signature.signers),
    });
    expect(report.status).toBe('valid');
  });

  it('checks Ed25519 signers (RFC 8419) from the SHA-512 digest', async () => {
    const issued = await issueRfc8410Certificate(f.ca, 'alice@example.test', 'ed25519');
    const certificate = readCertificate(issued.certPem);
    const signed = await signMime(MESSAGE, {
      certificate,
      privateKey: readPrivateKey(issued.keyPem),
    });
    const { entity } = splitMessage(canonicalizeLineEnds(signed));
    const [first, second] = parseMultipart(entity).parts;
    const der = decodeBody(second!.entity);
    for (const content of [first!.raw, first!.raw.subarray(1)]) {
      const expected = await verifyCms(der, { trustAnchors: [f.anchor], detachedContent: content });
      const { signers } = await verifyDetachedStream(cyclingPieces(content, [3]), der, {
        trustAnchors: [f.anchor],
      });
      expect(verdicts(signers)).toEqual(verdicts(expected.signers));
    }
    expect(
      (await verifyDetachedStream(cyclingPieces(first!.raw), der, { trustAnchors: [f.anchor] }))
        .signers[0]?.status,
    ).toBe('valid');
  });

  it('refuses a detached signature that carries content (content confusion)', async () => {
    const der = await opensslSign(f.alice.rsa, ENTITY, true);
    await expect(
      verifyCms(der, { trustAnchors: [], detachedContent: ENTITY }),
    ).rejects.toMatchObject({ code: 'ESMIME_CONTENT_CONFUSION' });
    await expect(
      verifyDetachedStream(cyclingPieces(ENTITY), der, { trustAnchors: [] }),
    ).rejects.toMatchObject({ code: 'ESMIME_CONTENT_CONFUSION' });
  });

  it('refuses, before reading the content, a signer without signed attributes', async () => {
    const der = new Uint8Array(
      await openssl([
        'cms',
        '-sign',
        '-binary',
        '-noattr',
        '-outform',
        'DER',
        '-in',
        await files.write('noattr.bin', ENTITY),
        '-signer',
        await files.write('noattr.pem', f.alice.rsa.issued.certPem),
        '-inkey',
        await files.write('noattr.key', f.alice.rsa.issued.keyPem),
      ]),
    );
    let read = false;
    async function* content() {
      read = true;
      yield ENTITY;
    }
    await expect(verifyDetachedStream(content(), der, { trustAnchors: [] })).rejects.toMatchObject({
      code: 'ESMIME_UNSUPPORTED',
    });
    expect(read).toBe(false);
  });
});

describe('verifyOpaqueStream', () => {
  it.each(['rsa', 'ec'] as const)(
    'streams out the content of openssl -sign -nodetach -stream (%s), verdict as verifyCms',
    async (key) => {
      const der = await opensslSign(f.alice[key], ENTITY, true);
      const expected = await verifyCms(der, { trustAnchors: [f.anchor] });
      for (const sizes of [[1], [2, 3], [4096]]) {
        const { signers, content } = await opaque(der, sizes);
        expect(content).toEqual(Buffer.from(expected.content));
        expect(verdicts(signers)).toEqual(verdicts(expected.signers));
      }
      expect((await opaque(der)).signers[0]?.status).toBe('valid');
    },
  );

  it('reads sealpost’s own opaque signed-data (definite lengths)', async () => {
    const signed = await signMime(MESSAGE, {
      certificate: f.alice.ec.certificate,
      privateKey: f.alice.ec.privateKey,
      format: 'opaque',
    });
    const der = decodeBody(splitMessage(signed).entity);
    const expected = await verifyCms(der, { trustAnchors: [f.anchor] });
    const { signers, content } = await opaque(der, [1, 1000]);
    expect(content).toEqual(Buffer.from(expected.content));
    expect(verdicts(signers)).toEqual(verdicts(expected.signers));
  });

  it('says invalid for changed content, as verifyCms does', async () => {
    const der = await opensslSign(f.alice.rsa, ENTITY, true);
    const at = Buffer.from(der).indexOf('Signed and streamed');
    const changed = new Uint8Array(der);
    changed[at]! ^= 1;
    const expected = await verifyCms(changed, { trustAnchors: [f.anchor] });
    const { signers } = await opaque(changed, [7]);
    expect(verdicts(signers)).toEqual(verdicts(expected.signers));
    expect(signers[0]?.error?.code).toBe('ESMIME_SIGNATURE_INVALID');
  });

  it('refuses signed-data without content (content confusion) and what is not SignedData', async () => {
    const detached = await opensslSign(f.alice.rsa, ENTITY, false);
    await expect(verifyCms(detached, { trustAnchors: [] })).rejects.toMatchObject({
      code: 'ESMIME_CONTENT_CONFUSION',
    });
    await expect(opaque(detached)).rejects.toMatchObject({ code: 'ESMIME_CONTENT_CONFUSION' });
    await expect(opaque(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).rejects.toMatchObject({
      code: 'ESMIME_FORMAT',
    });
  });
});
