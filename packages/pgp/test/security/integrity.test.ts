/**
 * Which integrity protection an opened message had (EFAIL, USENIX Security 2018): SEIPD v1
 * with its MDC (RFC 9580 §5.13.1) is 'mdc', SEIPD v2 (§5.13.2) is 'aead'. Data without
 * either (tag 9) never opens: see tampering.test.ts.
 */

import { joinMessage } from '@sealpost/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../../src/keys/generate-key.js';
import { decryptMessage } from '../../src/message/decrypt-message.js';
import { encryptMessage } from '../../src/message/encrypt-message.js';
import { decryptMime } from '../../src/mime/decrypt-mime.js';
import { encryptedWrapper } from '../../src/mime/encrypt-mime.js';

const body = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nhello\r\n');

let carol: GeneratedKey;
beforeAll(async () => {
  carol = await generateKey({ userIds: [{ email: 'carol@example.org' }], type: 'v6' });
});

describe('decrypt results name their integrity protection', () => {
  it.each([
    ['SEIPD v1 is mdc', false, 'mdc'],
    ['SEIPD v2 is aead', true, 'aead'],
  ] as const)('%s', async (_name, rfc9580, integrity) => {
    const armored = await encryptMessage(body, { recipientKeys: [carol.publicKey], rfc9580 });
    const decrypted = await decryptMessage(armored, { decryptionKeys: [carol.privateKey] });
    expect(decrypted.integrity).toBe(integrity);
    const opened = await decryptMime(joinMessage([], encryptedWrapper(armored)), {
      decryptionKeys: [carol.privateKey],
    });
    expect(opened.integrity).toBe(integrity);
  });
});
