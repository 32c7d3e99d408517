// Inline PGP helpers (RFC 9580 §7 cleartext signatures, §6.2 armored messages): the block is
// found with its line range and whether text surrounds it; only the signed text is returned;
// the signer is bound to From; errors about decrypted content quote none of it.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decryptInline,
  findInlineBlock,
  type GeneratedKey,
  generateKey,
  verifyInline,
} from '../../src/index.js';

const FROM = [{ name: 'From', value: 'Alice <alice@example.org>' }];
let alice: GeneratedKey;
let bob: GeneratedKey;
beforeAll(async () => {
  [alice, bob] = await Promise.all([
    generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    generateKey({ userIds: [{ email: 'bob@example.net' }] }),
  ]);
});

const signed = async (text: string, key = alice) =>
  openpgp.sign({
    message: await openpgp.createCleartextMessage({ text }),
    signingKeys: key.privateKey,
  });

describe('inline PGP', () => {
  it('finds the block, its lines and the unsigned text around it', async () => {
    const text = `Before.\n\n${await signed('Signed.')}\nAfter.\n`;
    const block = findInlineBlock(text, 'signed-cleartext');
    expect(block).toMatchObject({ kind: 'signed-cleartext', firstLine: 3, surrounded: true });
    expect(block!.lastLine).toBeGreaterThan(block!.firstLine);
    expect(findInlineBlock(await signed('Only.'), 'signed-cleartext')?.surrounded).toBe(false);
  });

  it('verifyInline returns only the signed text and binds the signer to From', async () => {
    const text = `Pay Mallory.\n${await signed('Lunch at noon.')}`;
    const good = await verifyInline(text, { verificationKeys: [alice.publicKey], headers: FROM });
    expect(good.text).toBe('Lunch at noon.');
    expect(good.signatures[0]).toMatchObject({ status: 'valid', addresses: ['alice@example.org'] });
    const other = await verifyInline(await signed('Pay.', bob), {
      verificationKeys: [bob.publicKey],
      headers: FROM,
    });
    expect(other.signatures[0]).toMatchObject({ status: 'invalid', code: 'EPGP_SIGNER_ADDRESS' });
  });

  it('decryptInline: content that is not text is refused without quoting it', async () => {
    const secret = new TextEncoder().encode('vault kq4711');
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: new Uint8Array([...secret, 0xff, 0xfe]) }),
      encryptionKeys: bob.publicKey,
    });
    const error = await decryptInline(`Hi\n${armored}`, {
      decryptionKeys: [bob.privateKey],
      verificationKeys: [],
      headers: FROM,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EPGP_FORMAT' });
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('kq4711');
  });
});
