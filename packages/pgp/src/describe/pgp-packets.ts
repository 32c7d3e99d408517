/**
 * What an OpenPGP message shows without a key (RFC 9580 §5.1, §5.3, §5.13, §5.2): the
 * recipient key IDs of its PKESK packets (all zeros when hidden, §5.1.1), password-based
 * SKESK packets, how the data is integrity-protected, and who made a detached signature.
 */
import * as openpgp from 'openpgp';

export interface PgpRecipient {
  /** 16 upper-case hex digits; "0000000000000000" when the sender hid it (wildcard). */
  readonly keyId: string;
  readonly wildcard: boolean;
  /** PKESK version: 3 (RFC 4880) or 6 (RFC 9580). */
  readonly version: number;
  /** e.g. "ecdh", "rsaEncryptSign", "x25519". */
  readonly algorithm: string;
}

export interface PgpEncryptedFacts {
  readonly recipients: readonly PgpRecipient[];
  /** SKESK packets: the message can also be opened with a password. */
  readonly passwords: number;
  /** "seipd-v1" (MDC), "seipd-v2" (AEAD) or "sed" (tag 9: no integrity protection at all). */
  readonly integrity: 'seipd-v1' | 'seipd-v2' | 'sed' | 'none';
  /** AEAD algorithm of SEIPD v2, e.g. "ocb". */
  readonly aead?: string;
}

export interface PgpSignatureFacts {
  readonly keyId: string;
  readonly fingerprint?: string;
  readonly algorithm: string;
  readonly hashAlgorithm: string;
  readonly created: string | null;
}

function isArmored(data: Uint8Array): boolean {
  return new TextDecoder().decode(data.subarray(0, 200)).trimStart().startsWith('-----BEGIN PGP');
}

function enumName(table: object, value: number | null): string {
  if (value === null || value === undefined) return 'unknown';
  try {
    return String(openpgp.enums.read(table as never, value as never));
  } catch {
    return `algorithm ${value}`;
  }
}

const HEX = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();

/** Lists the packets of an encrypted message; nothing is decrypted. */
export async function describeEncryptedMessage(data: Uint8Array): Promise<PgpEncryptedFacts> {
  const message = isArmored(data)
    ? await openpgp.readMessage({ armoredMessage: new TextDecoder().decode(data) })
    : await openpgp.readMessage({ binaryMessage: data });
  const recipients: PgpRecipient[] = [];
  let passwords = 0;
  let integrity: PgpEncryptedFacts['integrity'] = 'none';
  let aead: string | undefined;
  for (const packet of message.packets) {
    if (packet instanceof openpgp.PublicKeyEncryptedSessionKeyPacket) {
      // openpgp.js declares these fields private in its types, but they are the parsed packet.
      const pkesk = packet as unknown as {
        version: number;
        publicKeyID: openpgp.KeyID;
        publicKeyAlgorithm: number;
      };
      recipients.push({
        keyId: pkesk.publicKeyID.toHex().toUpperCase(),
        wildcard: /^0+$/.test(pkesk.publicKeyID.toHex()),
        version: pkesk.version,
        algorithm: enumName(openpgp.enums.publicKey, pkesk.publicKeyAlgorithm),
      });
    } else if (packet instanceof openpgp.SymEncryptedSessionKeyPacket) {
      passwords++;
    } else if (packet instanceof openpgp.SymEncryptedIntegrityProtectedDataPacket) {
      const p = packet as unknown as { version: number; aeadAlgorithm: number | null };
      integrity = p.version === 2 ? 'seipd-v2' : 'seipd-v1';
      if (p.version === 2) aead = enumName(openpgp.enums.aead, p.aeadAlgorithm);
    } else if (packet instanceof openpgp.SymmetricallyEncryptedDataPacket) {
      integrity = 'sed';
    }
  }
  return { recipients, passwords, integrity, ...(aead ? { aead } : {}) };
}

/** The issuer and algorithms of each signature packet of a detached signature. */
export async function describeDetachedSignature(data: Uint8Array): Promise<PgpSignatureFacts[]> {
  const signature = isArmored(data)
    ? await openpgp.readSignature({ armoredSignature: new TextDecoder().decode(data) })
    : await openpgp.readSignature({ binarySignature: data });
  return signaturePackets(signature);
}

/** The signature packets of a cleartext-signed text (RFC 9580 §7), e.g. inline PGP in a body. */
export async function describeCleartextSignature(text: string): Promise<PgpSignatureFacts[]> {
  const message = await openpgp.readCleartextMessage({ cleartextMessage: text });
  // openpgp.js keeps the parsed signature in a field its types do not declare.
  return signaturePackets((message as unknown as { signature: openpgp.Signature }).signature);
}

function signaturePackets(signature: openpgp.Signature): PgpSignatureFacts[] {
  return signature.packets.map((packet) => ({
    keyId: packet.issuerKeyID.toHex().toUpperCase(),
    ...(packet.issuerFingerprint ? { fingerprint: HEX(packet.issuerFingerprint) } : {}),
    algorithm: enumName(openpgp.enums.publicKey, packet.publicKeyAlgorithm as number),
    hashAlgorithm: enumName(openpgp.enums.hash, packet.hashAlgorithm as number),
    created: packet.created ? packet.created.toISOString() : null,
  }));
}

/** RFC 4880 §7 / RFC 9580 §7 cleartext signature or an armored message inside a text body. */
export function inlinePgpKind(text: string): 'message' | 'signed-cleartext' | null {
  if (/^-----BEGIN PGP SIGNED MESSAGE-----\r?$/m.test(text)) return 'signed-cleartext';
  if (/^-----BEGIN PGP MESSAGE-----\r?$/m.test(text)) return 'message';
  return null;
}
