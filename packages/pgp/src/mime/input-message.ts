/** Splits the caller's bytes into the RFC 5322 header fields (if any) and the MIME entity. */
import { type HeaderField, type MimeEntity, splitMessage } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';

export interface InputMessage {
  readonly messageHeaders: HeaderField[];
  readonly entity: MimeEntity;
}

export function readInputMessage(bytes: Uint8Array): InputMessage {
  try {
    return splitMessage(bytes);
  } catch (cause) {
    throw new SealpostError('EPGP_FORMAT', 'The input is not a readable MIME message.', { cause });
  }
}
