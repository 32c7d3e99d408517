/**
 * Keeping the key a correspondent sent in an Autocrypt header (Autocrypt Level 1 §2.3), for
 * `keys import --autocrypt MESSAGE.eml`. The header is used only when it is the message's one
 * valid Autocrypt header and its addr is the From address; the key must carry that address.
 * Such keys are trust-on-first-use, so resolveRecipientKeys tries them last (decision 0050).
 */
import { isSealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type { Keyring, KeyringEntry } from './keyring.js';

export type AutocryptImport =
  | { readonly key: Pgp.PublicKey; readonly source: Pgp.KeyProvenance; readonly address: string }
  | { readonly ignored: string };

function header(fields: readonly { name: string; value: string }[], name: string) {
  return fields.filter((f) => f.name.toLowerCase() === name);
}

/** The Autocrypt key of a received message, or why there is none to keep. */
export async function autocryptFromMessage(
  bytes: Uint8Array,
  location: string,
): Promise<AutocryptImport> {
  const [{ parseAddressList, splitMessage }, pgp] = await Promise.all([
    import('@sealpost/compose'),
    import('@sealpost/pgp'),
  ]);
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

export type AutocryptImportResult =
  | (AutocryptImport & { readonly key: Pgp.PublicKey; readonly entry: KeyringEntry })
  | { readonly ignored: string }
  /** The key is already in the keyring from a source the user vetted: kept as it is. */
  | { readonly kept: KeyringEntry };

/** Adds a message's Autocrypt key to the keyring, never downgrading a vetted key to TOFU. */
export async function importAutocrypt(
  keyring: Keyring,
  bytes: Uint8Array,
  location: string,
): Promise<AutocryptImportResult> {
  const found = await autocryptFromMessage(bytes, location);
  if ('ignored' in found) return found;
  const fingerprint = found.key.getFingerprint().toUpperCase();
  const known = keyring.list().find((e) => e.fingerprint === fingerprint);
  if (known && known.source.kind !== 'autocrypt') return { kept: known };
  return { ...found, entry: await keyring.add(found.key, found.source) };
}
