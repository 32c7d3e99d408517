/**
 * The one sender of a received message (RFC 5322 §3.6: exactly one From field; §3.6.2: a
 * From with several mailboxes needs a Sender, and then which one wrote it is a guess). A
 * signature check compares this address with the signer's; anything ambiguous is refused,
 * because a mail client may show a different mailbox than the one that was checked
 * ("Johnny, You Are Fired!", USENIX Security 2019, §4 identity spoofing).
 */
import { SealpostError } from '@sealpost/errors';
import type { HeaderField } from '../entity/header-field.js';
import { parseAddressList } from './address.js';

/**
 * The addr-spec of the single mailbox in the single From field, domain lower-cased as
 * A-labels. ESENDER_MISSING without a From field; ESENDER_AMBIGUOUS for two From fields, two
 * mailboxes, or a From the strict parser refuses. The messages never quote the field: it may
 * come from decrypted content.
 */
export function senderAddress(headers: readonly HeaderField[]): string {
  const fields = headers.filter((h) => h.name.toLowerCase() === 'from');
  if (fields.length === 0) {
    throw new SealpostError('ESENDER_MISSING', 'The message has no From field.');
  }
  if (fields.length > 1) {
    throw new SealpostError(
      'ESENDER_AMBIGUOUS',
      `The message has ${fields.length} From fields; RFC 5322 §3.6 allows one.`,
      { details: { fromFields: fields.length } },
    );
  }
  let mailboxes: ReturnType<typeof parseAddressList>;
  try {
    // Unfolding keeps the folding white space; a tab there is FWS, not a control character.
    mailboxes = parseAddressList(fields[0]!.value.replace(/\t/g, ' '));
  } catch (error) {
    const reason = (error as SealpostError).details?.reason;
    throw new SealpostError(
      'ESENDER_AMBIGUOUS',
      'The From field does not parse as one strict mailbox (RFC 5322 §3.4).',
      { details: { fromFields: 1, ...(typeof reason === 'string' ? { reason } : {}) } },
    );
  }
  if (mailboxes.length !== 1) {
    throw new SealpostError(
      'ESENDER_AMBIGUOUS',
      `The From field names ${mailboxes.length} mailboxes; only one sender can be checked.`,
      { details: { fromFields: 1, mailboxes: mailboxes.length } },
    );
  }
  return mailboxes[0]!.address;
}

/**
 * Whether two addr-specs name the same mailbox, after strict parsing: the domain compares
 * case-insensitively (RFC 5321 §2.4); the local part's case is folded too, as S/MIME
 * certificate matching here already does (docs/decisions/0075). Unparsable input matches nothing.
 */
export function sameAddress(a: string, b: string): boolean {
  const left = normalizedAddress(a);
  return left !== undefined && left === normalizedAddress(b);
}

function normalizedAddress(address: string): string | undefined {
  try {
    const list = parseAddressList(address);
    return list.length === 1 ? list[0]!.address.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
