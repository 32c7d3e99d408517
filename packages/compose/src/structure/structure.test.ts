// The MIME tree, part numbers and protection layers that `sealpost inspect` reads a message by.
import { describe, expect, it } from 'vitest';
import { createEntity, serializeEntity } from '../entity/mime-entity.js';
import { createMultipart } from '../entity/multipart.js';
import { findPart } from './find-part.js';
import { flattenMimeTree, mimeTree } from './mime-tree.js';
import { findProtectionLayer, protectionLayer } from './protection-layer.js';

describe('mimeTree', () => {
  it('walks hostile nesting only to its limit', () => {
    let entity = createEntity({ contentType: 'text/plain', body: 'deep' });
    for (let i = 0; i < 40; i++) entity = createMultipart('mixed', [entity]);
    const nodes = flattenMimeTree(mimeTree(entity));
    expect(nodes.length).toBe(33);
    expect(nodes.at(-1)?.note).toMatch(/limit/);
  });

  it('numbers parts like IMAP sections, and findPart walks back to them', () => {
    const root = createMultipart('mixed', [
      createEntity({ contentType: 'text/plain', body: 'one' }),
      createEntity({ contentType: 'text/plain', body: 'two' }),
    ]);
    const parts = flattenMimeTree(mimeTree(root)).map((n) => n.part);
    expect(parts).toEqual(['1', '1.1', '1.2']);
    expect(new TextDecoder().decode(findPart(root, '1.2')?.body)).toContain('two');
    expect(findPart(root, '1.3')).toBeUndefined();
  });
});

describe('protection layers', () => {
  it('tells PGP/MIME and S/MIME apart by media type and protocol', () => {
    expect(
      protectionLayer({
        mediaType: 'multipart/encrypted',
        params: { protocol: 'Application/PGP-Encrypted' },
      }),
    ).toEqual({ scheme: 'pgp', kind: 'encrypted', format: 'pgp-mime-encrypted', part: '1' });
    expect(
      protectionLayer({
        mediaType: 'application/x-pkcs7-mime',
        params: { 'smime-type': 'signed-data' },
      }),
    ).toMatchObject({ scheme: 'smime', kind: 'signed', format: 'smime-signed-opaque' });
    expect(protectionLayer({ mediaType: 'text/plain', params: {} })).toBeNull();
  });

  it('finds a signed part a mailing list wrapped in multipart/mixed', () => {
    const signed = createMultipart(
      'signed',
      [
        createEntity({ contentType: 'text/plain', body: 'body' }),
        createEntity({ contentType: 'application/pgp-signature', body: 'sig' }),
      ],
      { params: { protocol: 'application/pgp-signature', micalg: 'pgp-sha256' } },
    );
    const root = createMultipart('mixed', [
      signed,
      createEntity({ contentType: 'text/plain', body: 'footer' }),
    ]);
    expect(findProtectionLayer(mimeTree(root))).toMatchObject({
      format: 'pgp-mime-signed',
      part: '1.1',
    });
    // Not inside an attached message: that one is protected, not the message holding it.
    const attached = createEntity({ contentType: 'message/rfc822', body: serializeEntity(signed) });
    expect(findProtectionLayer(mimeTree(createMultipart('mixed', [attached])))).toBeNull();
  });
});
