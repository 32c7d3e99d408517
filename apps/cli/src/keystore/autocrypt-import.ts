/**
 * `keys import --autocrypt MESSAGE.eml`: the key a correspondent sent in an Autocrypt header
 * (Autocrypt Level 1 §2.3). The header is used only when it is the message's one valid
 * Autocrypt header and its addr is the From address; the key must carry that address.
 * Such keys are trust-on-first-use, so resolveKeys tries them last (decision 0050).
 */
import { parseAddressList, splitMessage } from '@sealpost/compose';
import { isSealpostError } from '@sealpost/errors';
import * as pgp from '@sealpost/pgp';

export type AutocryptImport =
  | { readonly key: pgp.PublicKey; readonly source: pgp.KeySource; readonly address: string }
  | { readonly ignored: string };

function header(fields: readonly { name: string; value: string }[], name: string) {
  return fields.filter((f) => f.name.toLowerCase() === name);
}

export async function autocryptFromMessage(
  bytes: Uint8Array,
  location: string,
): Promise<AutocryptImport> {
  let fields: { name: string; value: string }[];
  try {
    fields = splitMessage(bytes).messageHeaders;
  } catch {
    return { ignored: 'not a readable RFC 5322 message' };
  }
  const from = header(fields, 'from');
  let sender: string | undefined;
  try {
    const list = from.length === 1 ? parseAddressList(from[0]!.value) : [];
    sender = list.length === 1 ? list[0]!.address : undefined;
  } catch {
    sender = undefined;
  }
  if (!sender) return { ignored: 'the message has no single From address' };
  const valid = header(fields, 'autocrypt')
    .map((f) => pgp.parseAutocryptHeader(f.value, { from: sender }))
    .filter((h) => h !== undefined);
  if (valid.length === 0) return { ignored: `no valid Autocrypt header for ${sender}` };
  if (valid.length > 1) return { ignored: 'more than one Autocrypt header (Level 1 §2.3)' };
  const messageId = header(fields, 'message-id')[0]?.value.trim();
  try {
    const found = await pgp.autocryptKey(valid[0]!, messageId ? { messageId } : {});
    return {
      key: found.key,
      source: { ...found.source, location: messageId ?? location },
      address: sender.toLowerCase(),
    };
  } catch (err) {
    if (!isSealpostError(err)) throw err;
    return { ignored: `${err.code}: ${err.message}` };
  }
}
