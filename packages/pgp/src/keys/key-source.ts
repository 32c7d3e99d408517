/** Where an OpenPGP key was obtained (kind, location, time), so reports can say it (docs/design.md §5: "where the key came from"). */
export type KeyProvenanceKind =
  | 'file'
  | 'keyring'
  | 'gnupg'
  | 'wkd-advanced'
  | 'wkd-direct'
  | 'vks'
  | 'autocrypt';

export interface KeyProvenance {
  readonly kind: KeyProvenanceKind;
  /** URL, file path, keyring directory or message ID the key was read from. */
  readonly location?: string;
  /** When it was fetched or imported (ISO 8601). */
  readonly obtainedAt: string;
}

/** All user-ID e-mail addresses of a key, lower-cased (for indexes and matching). */
export function keyEmails(key: {
  users: readonly { userID: { email: string } | null }[];
}): string[] {
  const emails = key.users
    .map((u) => u.userID?.email.trim().toLowerCase() ?? '')
    .filter((e) => e.length > 0);
  return [...new Set(emails)];
}
