/**
 * The receiving half of a scheme adapter (scheme.ts joins both halves): one scheme (RFC 3156 PGP/MIME or RFC 8551 S/MIME) behind one
 * interface: `openMessage` and `inspectMessage` ask the adapter of the scheme they found, and
 * each adapter imports its package on first use, so a PGP/MIME message never loads pkijs and an
 * S/MIME one never loads openpgp.js (decision 0065).
 */
import type { MimeEntity, ProtectionLayer } from '@sealpost/compose';
import type { E2eScheme } from '@sealpost/keystore';
import type { EncryptionFacts, SignatureFacts } from '../inspect/inspection.js';
import type { OpenKeys, OpenOptions } from '../open/open-keys.js';
import type { OpenedMessage } from '../open/opened-message.js';
import type { StreamedOpenSide } from './streamed-open-side.js';

export interface OpenSide {
  readonly scheme: E2eScheme;
  /** Decrypts the message and checks any signature inside (RFC 3156 §4 / RFC 8551 §3.3). */
  decrypt(bytes: Uint8Array, keys: OpenKeys, options: OpenOptions): Promise<OpenedMessage>;
  /** Checks the signature of a signed message (RFC 3156 §5 / RFC 8551 §3.5). */
  verify(bytes: Uint8Array, keys: OpenKeys, options: OpenOptions): Promise<OpenedMessage>;
  /**
   * Opening a message above the large-message threshold from its file in constant memory
   * (streamed-open-side.ts), or undefined: such messages of this scheme are opened in memory.
   * Which layers it takes: `streams(layer)`; loaded lazily like the rest of the adapter.
   */
  readonly streamed?: {
    /** True when this layer (format) can be opened streamed; false: in memory. */
    streams(layer: ProtectionLayer): boolean;
    /** The streamed half itself, imported on first use (it pulls in the scheme's package). */
    load(): Promise<StreamedOpenSide>;
  };
  /** Corrects what the media type alone claims, from the content (old S/MIME clients). */
  refineLayer(layer: ProtectionLayer, entity: MimeEntity): Promise<ProtectionLayer>;
  /** What the encrypted entity shows without a key; throws when it cannot be parsed. */
  describeEncryption(
    layer: ProtectionLayer,
    entity: MimeEntity,
  ): Promise<Pick<EncryptionFacts, 'pgp' | 'cms' | 'inline'>>;
  /**
   * The entity a signed entity signs, read without verifying (the first part of
   * multipart/signed, the eContent of opaque signed-data), for its hp= parameter; null when
   * it cannot be read.
   */
  signedEntity(layer: ProtectionLayer, entity: MimeEntity): Promise<MimeEntity | null>;
  /** The signers a signed entity names (nothing is verified); throws when it cannot be parsed. */
  describeSignature(
    layer: ProtectionLayer,
    entity: MimeEntity,
  ): Promise<Pick<SignatureFacts, 'pgp' | 'cms' | 'inline'>>;
}
