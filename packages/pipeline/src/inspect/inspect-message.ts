/**
 * `inspect`: what anyone holding a message file can tell without a key — its structure, how
 * it is signed or encrypted, to whom (key IDs, RecipientInfo identifiers), whether headers
 * look protected (RFC 9788), and who on the path could read which part (docs/design.md §5).
 */
import {
  decodeHeaderText,
  entityContentType,
  findPart,
  findProtectionLayer,
  type HeaderField,
  type MimeEntity,
  mimeTree,
  type ProtectionLayer,
  splitMessage,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import { type ExposureMatrix, exposureMatrix } from '../exposure.js';
import { findInlinePgp } from '../open/inline-pgp-layer.js';
import type { Scheme } from '../plan-send.js';
import { openSide } from '../schemes/open-sides.js';
import type {
  EncryptionFacts,
  HeaderProtectionFacts,
  InlineCoverage,
  Inspection,
  SignatureFacts,
} from './inspection.js';

function header(fields: readonly HeaderField[], name: string): string | null {
  const value = fields.find((f) => f.name.toLowerCase() === name)?.value;
  if (value === undefined) return null;
  try {
    return decodeHeaderText(value);
  } catch {
    return value;
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function encryptionFacts(
  layer: ProtectionLayer,
  entity: MimeEntity,
): Promise<EncryptionFacts> {
  try {
    return { ...layer, ...(await openSide(layer.scheme).describeEncryption(layer, entity)) };
  } catch (err) {
    return { ...layer, error: reason(err) };
  }
}

async function signatureFacts(layer: ProtectionLayer, entity: MimeEntity): Promise<SignatureFacts> {
  try {
    return { ...layer, ...(await openSide(layer.scheme).describeSignature(layer, entity)) };
  } catch (err) {
    return { ...layer, error: reason(err) };
  }
}

/** Which text of the part the inline block covers, in words. */
function inlineNote(layer: ProtectionLayer, inline: InlineCoverage): string {
  const what = layer.kind === 'signed' ? 'signed block' : 'encrypted block';
  const lines = `lines ${inline.firstLine}–${inline.lastLine} of ${inline.totalLines}`;
  const begins = inline.firstWords ? ` (the signed text begins "${inline.firstWords}")` : '';
  return inline.surrounded
    ? `Part ${layer.part}: only ${lines} are the ${what}${begins}; text outside the ${what} is not covered.`
    : `Part ${layer.part}: the ${what} is the whole text (${lines})${begins}.`;
}

function headerProtection(
  subject: string | null,
  encrypted: boolean,
  signedPart: MimeEntity | null,
): HeaderProtectionFacts {
  const params = signedPart ? entityContentType(signedPart).params : {};
  const hp = params.hp?.toLowerCase();
  const fields = (signedPart?.headers ?? [])
    .map((h) => h.name)
    .filter((n) => !/^content-|^mime-version$/i.test(n));
  if (!encrypted && signedPart && (hp === 'clear' || hp === 'cipher')) {
    return {
      hp,
      scheme: 'rfc9788',
      protectedFields: fields,
      likely: true,
      explanation: `The signed part carries hp="${hp}" (RFC 9788): its copies of ${fields.join(', ') || 'the header fields'} are covered by the signature, but every server can still read them.`,
    };
  }
  if (!encrypted && signedPart && params['protected-headers']?.toLowerCase() === 'v1') {
    return {
      hp: null,
      scheme: 'legacy-v1',
      protectedFields: fields,
      likely: true,
      explanation: `The signed part carries protected-headers="v1", the older draft scheme (Enigmail, Thunderbird, Delta Chat), not RFC 9788: its copies of ${fields.join(', ') || 'the header fields'} are covered by the signature, but every server can still read them.`,
    };
  }
  if (encrypted && (subject === '[...]' || subject === '...')) {
    return {
      hp: null,
      scheme: null,
      protectedFields: [],
      likely: true,
      explanation: `The outer Subject is "${subject}", the placeholder of header protection (RFC 9788 "[...]", the older protected-headers="v1" draft "..."): the real Subject is most likely inside the encryption. Which scheme is only visible after decrypting.`,
    };
  }
  if (encrypted) {
    return {
      hp: null,
      scheme: null,
      protectedFields: [],
      likely: false,
      explanation:
        'Whether the headers are protected (hp= on the payload, RFC 9788) is only visible after decrypting; the outer Subject is not "[...]", so every server on the path reads the real Subject.',
    };
  }
  return {
    hp: null,
    scheme: null,
    protectedFields: [],
    likely: false,
    explanation: 'No header protection: the header fields are neither signed nor hidden.',
  };
}

/** Inspects a message file's bytes; EMIME when it is not a readable RFC 5322 message. */
export async function inspectMessage(bytes: Uint8Array): Promise<Inspection> {
  let split: ReturnType<typeof splitMessage>;
  try {
    split = splitMessage(bytes);
  } catch (cause) {
    throw new SealpostError('EMIME', 'The file is not a readable RFC 5322 / MIME message.', {
      cause,
    });
  }
  const { messageHeaders, entity } = split;
  if (messageHeaders.length === 0) {
    throw new SealpostError(
      'EMIME',
      'The file has no message header fields: it is not an RFC 5322 message (.eml).',
    );
  }
  const structure = mimeTree(entity);
  const notes: string[] = [];
  const found = findProtectionLayer(structure) ?? (await findInlinePgp(entity, structure));
  const layerEntity = found ? findPart(entity, found.part) : undefined;
  const layer =
    found && layerEntity ? await openSide(found.scheme).refineLayer(found, layerEntity) : found;
  let encryption: EncryptionFacts | null = null;
  let signature: SignatureFacts | null = null;
  if (layer && layerEntity) {
    if (layer.part !== '1') {
      notes.push(
        `Only part ${layer.part} is ${layer.kind}: the other parts (for example a footer a mailing list added) are not covered.`,
      );
    }
    if (layer.kind === 'encrypted') {
      encryption = await encryptionFacts(layer, layerEntity);
      notes.push(
        'A signature inside the encryption, and the protected header fields, are only visible after decrypting (sealpost decrypt).',
      );
    } else {
      signature = await signatureFacts(layer, layerEntity);
    }
    if (layer.format.startsWith('inline-pgp')) {
      notes.push(
        'Inline PGP protects only the text of that one part: attachments, their names and all header fields are not covered.',
      );
      const inline = (encryption ?? signature)?.inline;
      if (inline) notes.push(inlineNote(layer, inline));
    }
  }
  if (encryption?.pgp?.integrity === 'sed') {
    notes.push(
      'The OpenPGP data has no integrity protection (tag 9, no MDC): it can be altered undetected; sealpost refuses to decrypt it.',
    );
  }
  if (encryption?.pgp?.recipients.some((r) => r.wildcard)) {
    notes.push('Some recipient key IDs are hidden (wildcard 0000000000000000).');
  }
  // The signed entity (first part, or the eContent of opaque signed-data) shows hp= unverified.
  const signedPart =
    layer && layerEntity && signature
      ? await openSide(layer.scheme).signedEntity(layer, layerEntity)
      : null;
  const subject = header(messageHeaders, 'subject');
  const hp = headerProtection(subject, encryption !== null, signedPart);
  const scheme = encryption ? encryption.scheme : 'none';
  const hidesSubject = encryption !== null && hp.likely;
  return {
    size: bytes.length,
    headers: {
      from: header(messageHeaders, 'from'),
      to: header(messageHeaders, 'to'),
      cc: header(messageHeaders, 'cc'),
      subject,
      date: header(messageHeaders, 'date'),
      messageId: header(messageHeaders, 'message-id'),
    },
    structure,
    encryption,
    signature,
    headerProtection: hp,
    exposure: {
      scheme,
      headerProtection: hidesSubject,
      assumption:
        'A file does not say how it travelled: the network rows assume sealpost’s default, TLS with a verified certificate to the submission server, and opportunistic TLS between servers.',
      matrix: exposure(scheme, hidesSubject, encryption?.format === 'inline-pgp-message'),
    },
    notes,
  };
}

/**
 * The matrix for the scheme found. Inline PGP encrypts one text part only: attachment names
 * stay as readable as without encryption, so that column is taken from the unencrypted matrix.
 */
function exposure(scheme: Scheme, headerProtection: boolean, inline: boolean): ExposureMatrix {
  const firstLink = { mode: 'implicit-tls', certificateVerified: true } as const;
  const matrix = exposureMatrix({ scheme, headerProtection, firstLink });
  if (!inline) return matrix;
  const plain = exposureMatrix({ scheme: 'none', headerProtection: false, firstLink });
  return Object.fromEntries(
    Object.entries(matrix).map(([observer, parts]) => [
      observer,
      { ...parts, 'attachment-names': plain[observer as keyof ExposureMatrix]['attachment-names'] },
    ]),
  ) as unknown as ExposureMatrix;
}
