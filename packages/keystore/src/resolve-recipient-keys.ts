/**
 * Finds the recipient keys for a send, in one documented order (decision 0050): explicit
 * files, the OpenPGP keyring, the S/MIME certificate store, then — only when enabled — WKD
 * (draft-koch-openpgp-webkey-service) and VKS, then cached Autocrypt keys. Every candidate is
 * checked (pgp.checkKey / smime.checkCertificate for encryption to that address); a refused one
 * is kept in `rejected` with its error code, never dropped silently. openpgp.js and pkijs
 * are loaded only when a key of their scheme is at hand.
 */
import { join } from 'node:path';
import { isSealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';
import { withAnchorHint } from './anchor-hint.js';
import { isCaCertificate } from './ca-certificate.js';
import { CertStore } from './cert-store.js';
import type { KeyFileCache } from './key-file-cache.js';
import { Keyring } from './keyring.js';
import type { E2eScheme, KeySet, KeySource, RecipientKey, RejectedKey } from './keys.js';
import { readRecipientKeyFile } from './recipient-key-file.js';

/** An explicit key file; `address` binds it to that one recipient (checked like any key). */
export interface KeyFileSpec {
  readonly path: string;
  readonly address?: string;
}

export interface DiscoverySettings {
  /** Ask the recipient domain's Web Key Directory. Default false (no network unless asked). */
  readonly wkd?: boolean;
  /** Ask a Verifying Key Server (keys.openpgp.org or `vksBaseUrl`). Default false. */
  readonly vks?: boolean;
  readonly vksBaseUrl?: string;
  /** The HTTPS GET used for WKD and VKS; default the runtime's fetch. */
  readonly fetcher?: Pgp.Fetcher;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

export interface KeySources {
  /** `--key FILE`: OpenPGP keys or X.509 certificates, tried first. */
  readonly files?: readonly (string | KeyFileSpec)[];
  /**
   * The sealpost data directory (the CLI's `--keyring DIR`): the OpenPGP keyring is `pgp/` and
   * the certificate store `certs/` below it. `keyring` and `certStore` take precedence.
   */
  readonly keyringDir?: string;
  /** The OpenPGP keyring, or its directory. */
  readonly keyring?: Keyring | string;
  /** The S/MIME certificate store, or its directory. */
  readonly certStore?: CertStore | string;
  /** Extra S/MIME trust anchors (e.g. a CLI `--anchor FILE`), added to the store's anchors. */
  readonly trustAnchors?: readonly Smime.SmimeCertificate[];
  /** Network discovery; off unless enabled. */
  readonly discovery?: DiscoverySettings;
  /** Use Autocrypt keys cached in the keyring (after every other source). Default true. */
  readonly autocrypt?: boolean;
  /** The time keys must be valid at; default now. */
  readonly now?: Date;
  /**
   * Parsed key files, keyring and store kept between calls (a long-running sender): a file is
   * read and parsed again only when it changed. Every key is still checked on every call.
   */
  readonly cache?: KeyFileCache;
}

/** A key from an explicit file that named none of the addresses (the CLI warns about it). */
export interface UnmatchedKey {
  readonly scheme: E2eScheme;
  readonly fingerprint: string;
  readonly file: string;
  readonly addresses: readonly string[];
}

/** A discovery method that could not be asked (network, bad answer): not a key refusal. */
export interface LookupFailure {
  readonly address: string;
  readonly method: 'wkd' | 'vks';
  readonly code: string;
  readonly reason: string;
}

export interface ResolvedKeys extends KeySet {
  readonly recipients: ReadonlyMap<string, readonly RecipientKey[]>;
  readonly rejected: ReadonlyMap<string, readonly RejectedKey[]>;
  readonly unmatched: readonly UnmatchedKey[];
  readonly lookupFailures: readonly LookupFailure[];
}

interface Candidate {
  readonly scheme: E2eScheme;
  readonly source: KeySource;
  readonly material: Pgp.PublicKey | Smime.SmimeCertificate;
}

interface FileCandidate extends Candidate {
  readonly file: string;
  readonly boundTo?: string;
  readonly fingerprint: string;
  readonly addresses: readonly string[];
}

interface Context {
  readonly anchors: readonly Smime.SmimeCertificate[];
  readonly intermediates: readonly Smime.SmimeCertificate[];
  readonly now?: Date;
}

function normalise(address: string): string {
  return address.trim().toLowerCase();
}

async function fingerprintOf(candidate: Candidate): Promise<string> {
  if (candidate.scheme === 'pgp') {
    return (candidate.material as Pgp.PublicKey).getFingerprint().toLowerCase();
  }
  const smime = await import('@sealpost/smime');
  return smime.certificateFingerprint(candidate.material as Smime.SmimeCertificate);
}

/** One key file's candidates, bound to no address yet. */
async function fileCandidates(
  path: string,
): Promise<{ candidates: FileCandidate[]; certificates: Smime.SmimeCertificate[] }> {
  const contents = await readRecipientKeyFile(path);
  const candidates: FileCandidate[] = [];
  const certificates: Smime.SmimeCertificate[] = [];
  for (const key of contents.pgpKeys) {
    candidates.push({
      scheme: 'pgp',
      source: 'file',
      material: key,
      file: path,
      fingerprint: key.getFingerprint().toLowerCase(),
      addresses: (await import('@sealpost/pgp')).keyEmails(key),
    });
  }
  for (const cert of contents.certificates) {
    // A CA certificate in the file is chain material, never a recipient.
    if (isCaCertificate(cert)) {
      certificates.push(cert);
      continue;
    }
    candidates.push({
      scheme: 'smime',
      source: 'file',
      material: cert,
      file: path,
      fingerprint: await (await import('@sealpost/smime')).certificateFingerprint(cert),
      addresses: cert.addresses.map(normalise),
    });
  }
  return { candidates, certificates };
}

async function loadFiles(
  files: KeySources['files'],
  cache: KeyFileCache | undefined,
): Promise<{
  candidates: FileCandidate[];
  certificates: Smime.SmimeCertificate[];
}> {
  const candidates: FileCandidate[] = [];
  const certificates: Smime.SmimeCertificate[] = [];
  for (const spec of files ?? []) {
    const { path, address } = typeof spec === 'string' ? { path: spec, address: undefined } : spec;
    const loaded = cache
      ? await cache.read(path, 'recipient keys', () => fileCandidates(path))
      : await fileCandidates(path);
    const boundTo = address === undefined ? {} : { boundTo: normalise(address) };
    for (const c of loaded.candidates) candidates.push({ ...c, ...boundTo });
    certificates.push(...loaded.certificates);
  }
  return { candidates, certificates };
}

/** Runs the scheme's check for encryption to `address`; a refusal becomes a RejectedKey. */
async function judge(
  candidate: Candidate,
  address: string,
  context: Context,
): Promise<RecipientKey | RejectedKey> {
  const fingerprint = await fingerprintOf(candidate);
  const base = { scheme: candidate.scheme, address, fingerprint, source: candidate.source };
  const now = context.now ? { now: context.now } : {};
  try {
    if (candidate.scheme === 'pgp') {
      const pgp = await import('@sealpost/pgp');
      await pgp.checkKey(candidate.material as Pgp.PublicKey, {
        purpose: 'encrypt',
        address,
        ...now,
      });
    } else {
      const smime = await import('@sealpost/smime');
      await smime.checkCertificate(candidate.material as Smime.SmimeCertificate, {
        purpose: 'encrypt',
        address,
        trustAnchors: context.anchors,
        intermediates: context.intermediates,
        ...now,
      });
    }
    return { ...base, material: candidate.material };
  } catch (err) {
    if (!isSealpostError(err)) throw err;
    return { ...base, code: err.code, reason: withAnchorHint(err.code, err.message) };
  }
}

function keyringSource(entry: Pgp.KeyProvenance): KeySource {
  return entry.kind === 'gnupg' ? 'gnupg' : 'keyring';
}

/** One discovery method's keys for the address; a method that cannot be asked is recorded. */
async function discover(
  address: string,
  method: 'wkd' | 'vks',
  settings: DiscoverySettings,
  failures: LookupFailure[],
): Promise<Candidate[]> {
  const options = {
    ...(settings.fetcher ? { fetcher: settings.fetcher } : {}),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
  };
  try {
    const pgp = await import('@sealpost/pgp');
    const keys =
      method === 'wkd'
        ? await pgp.lookupWkd(address, options)
        : await pgp.lookupVks(address, {
            ...options,
            ...(settings.vksBaseUrl ? { baseUrl: settings.vksBaseUrl } : {}),
          });
    return keys.map((k) => ({ scheme: 'pgp' as const, source: method, material: k.key }));
  } catch (err) {
    if (!isSealpostError(err)) throw err;
    failures.push({ address, method, code: err.code, reason: err.message });
    return [];
  }
}

/**
 * Resolves keys for each address. Throws only when an explicit input is broken (a key file
 * that cannot be read or parsed, an unreadable keyring or store); everything about a single
 * key ends up in `recipients` or `rejected`.
 */
export async function resolveRecipientKeys(
  addresses: readonly string[],
  sources: KeySources = {},
): Promise<ResolvedKeys> {
  const wanted = [...new Set(addresses.map(normalise))];
  const { candidates: fromFiles, certificates: fileCertificates } = await loadFiles(
    sources.files,
    sources.cache,
  );
  const keyringSpec =
    sources.keyring ?? (sources.keyringDir ? join(sources.keyringDir, 'pgp') : undefined);
  const storeSpec =
    sources.certStore ?? (sources.keyringDir ? join(sources.keyringDir, 'certs') : undefined);
  const { cache } = sources;
  // With a cache, a store is opened again only when its index changed (every write renames a
  // new index.json into place); its items are checked file by file when read.
  const keyring =
    typeof keyringSpec !== 'string'
      ? keyringSpec
      : cache
        ? await cache.read(join(keyringSpec, 'index.json'), 'keyring', () =>
            Keyring.open(keyringSpec, { cache }),
          )
        : await Keyring.open(keyringSpec);
  const store =
    typeof storeSpec !== 'string'
      ? storeSpec
      : cache
        ? await cache.read(join(storeSpec, 'index.json'), 'certificate store', () =>
            CertStore.open(storeSpec, { cache }),
          )
        : await CertStore.open(storeSpec);
  const context: Context = {
    anchors: [...(sources.trustAnchors ?? []), ...((await store?.trustAnchors()) ?? [])],
    // Only CA certificates can complete a chain; leaves among them would only confuse pkijs.
    intermediates: [...fileCertificates, ...((await store?.intermediates()) ?? [])].filter(
      isCaCertificate,
    ),
    ...(sources.now ? { now: sources.now } : {}),
  };

  const recipients = new Map<string, RecipientKey[]>();
  const rejected = new Map<string, RejectedKey[]>();
  const lookupFailures: LookupFailure[] = [];
  const used = new Set<FileCandidate>();

  for (const address of wanted) {
    const accepted: RecipientKey[] = [];
    const refused: RejectedKey[] = [];
    const seen = new Set<string>();
    const consider = async (candidate: Candidate): Promise<void> => {
      const id = `${candidate.scheme}:${await fingerprintOf(candidate)}`;
      if (seen.has(id)) return; // the same key from a later source adds nothing
      seen.add(id);
      const verdict = await judge(candidate, address, context);
      if ('code' in verdict) refused.push(verdict);
      else accepted.push(verdict);
    };

    for (const c of fromFiles) {
      const applies =
        c.boundTo === undefined ? c.addresses.includes(address) : c.boundTo === address;
      if (!applies) continue;
      used.add(c);
      await consider(c);
    }
    const cached = (await keyring?.keysForEmail(address)) ?? [];
    for (const { key, source } of cached) {
      if (source.kind === 'autocrypt') continue;
      await consider({ scheme: 'pgp', source: keyringSource(source), material: key });
    }
    for (const { certificate } of (await store?.certificatesForEmail(address)) ?? []) {
      await consider({ scheme: 'smime', source: 'certstore', material: certificate });
    }
    // WKD (the domain's own answer) before VKS (a third party), and each only while no usable
    // OpenPGP key is known: every lookup tells a server whom we are writing to.
    const discovery = sources.discovery ?? {};
    for (const method of ['wkd', 'vks'] as const) {
      if (!discovery[method] || accepted.some((k) => k.scheme === 'pgp')) continue;
      for (const c of await discover(address, method, discovery, lookupFailures)) await consider(c);
    }
    if (sources.autocrypt !== false) {
      for (const { key, source } of cached) {
        if (source.kind === 'autocrypt') {
          await consider({ scheme: 'pgp', source: 'autocrypt', material: key });
        }
      }
    }
    if (accepted.length > 0) recipients.set(address, accepted);
    if (refused.length > 0) rejected.set(address, refused);
  }

  const unmatched: UnmatchedKey[] = fromFiles
    .filter((c) => !used.has(c))
    .map((c) => ({
      scheme: c.scheme,
      fingerprint: c.fingerprint,
      file: c.file,
      addresses: c.boundTo === undefined ? c.addresses : [c.boundTo],
    }));
  return { recipients, rejected, unmatched, lookupFailures };
}
