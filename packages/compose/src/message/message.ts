import type { Readable } from 'node:stream';
import type { Address } from '../address/address.js';
import type { HeaderField } from '../entity/header-field.js';

/** The SMTP envelope (RFC 5321 §3.3): MAIL FROM and RCPT TO, never written as headers. */
export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
  /** True when an address has a non-ASCII local part: needs SMTPUTF8 (RFC 6531). */
  readonly smtputf8?: boolean;
}

/** An address as the caller may give it: text to parse strictly, or name and address apart. */
export type AddressInput = string | { readonly name?: string; readonly address: string };
export type AddressListInput = AddressInput | readonly AddressInput[];

/** An attachment as given: exactly one of `content`, `path` or `stream`. */
export interface AttachmentInput {
  readonly filename?: string;
  /** e.g. "application/pdf"; when absent it is guessed from the file name. */
  readonly contentType?: string;
  readonly content?: Uint8Array | string;
  readonly path?: string;
  /** Read once, while the message is encoded: a message with a stream is encoded once. */
  readonly stream?: Readable;
  readonly disposition?: 'attachment' | 'inline';
}

/** A validated attachment (RFC 2183 disposition, RFC 2231 file name on output). */
export interface Attachment {
  readonly filename?: string;
  readonly contentType?: string;
  readonly disposition: 'attachment' | 'inline';
  readonly content?: Uint8Array;
  readonly path?: string;
  readonly stream?: Readable;
}

export interface MessageInput {
  readonly from: AddressInput;
  readonly sender?: AddressInput;
  readonly replyTo?: AddressListInput;
  readonly to?: AddressListInput;
  readonly cc?: AddressListInput;
  /** Recipients that get the message but never appear in it (only in the envelope). */
  readonly bcc?: AddressListInput;
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly AttachmentInput[];
  /** Further header fields; the fields above cannot be set through here. */
  readonly headers?: Readonly<Record<string, string>> | readonly HeaderField[];
  /** "<id@domain>" (RFC 5322 §3.6.4); generated when absent. */
  readonly messageId?: string;
  /** Generated (now) when absent. */
  readonly date?: Date;
}

/** An immutable, validated message (RFC 5322) and its envelope, built by createMessage. */
export interface Message {
  readonly from: Address;
  readonly sender?: Address;
  readonly replyTo: readonly Address[];
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly bcc: readonly Address[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments: readonly Attachment[];
  readonly headers: readonly HeaderField[];
  readonly messageId: string;
  readonly date: Date;
  /** MAIL FROM (sender, else from) and RCPT TO (to + cc + bcc), from the same parsed lists. */
  readonly envelope: Envelope;
  /** Whether messageId / date were given (toMime's deterministic mode replaces generated ones). */
  readonly generated: { readonly messageId: boolean; readonly date: boolean };
}
