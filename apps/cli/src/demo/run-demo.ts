/**
 * `sealpost demo`: the same message, with an attachment, sent three times through a real
 * mail path on loopback — transport TLS only, PGP/MIME, S/MIME (signed and encrypted, with
 * header protection) — and, for each, what every server and every link could actually read,
 * next to what sealpost's report predicted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, joinMessage } from '@sealpost/compose';
import * as pgp from '@sealpost/pgp';
import {
  DEFAULT_POLICY,
  type ExposureMatrix,
  executePlan,
  type Observer,
  planSend,
  type SendPolicy,
} from '@sealpost/pipeline';
import * as smime from '@sealpost/smime';
import { createSmtpTransport, type TransportReport } from '@sealpost/transport';
import { createDemoIdentities, type DemoIdentities, RECIPIENT, SENDER } from './demo-identities.js';
import {
  type DemoSecrets,
  inspectLink,
  inspectServerCopy,
  type ObserverEvidence,
} from './evidence.js';
import { type DemoNetwork, startDemoNetwork } from './network.js';

export type DemoCaseName = 'transport-only' | 'pgp' | 'smime';

export interface DemoCase {
  readonly name: DemoCaseName;
  readonly title: string;
  readonly transport: TransportReport | null;
  readonly predicted: ExposureMatrix;
  /** Path order: link, submission server, link, relay, link, mailbox, recipient. */
  readonly evidence: readonly (ObserverEvidence & { readonly predictedAs: Observer })[];
  /** Observed cells that contradict the prediction (should be empty). */
  readonly contradictions: readonly string[];
  readonly signature: 'valid' | 'invalid' | 'none';
}

export interface DemoResult {
  readonly dir: string | null;
  readonly secrets: DemoSecrets;
  readonly cases: readonly DemoCase[];
  readonly explanation: string;
  readonly durationMs: number;
}

export const DEMO_SECRETS: DemoSecrets = {
  subject: 'Quarterly numbers for the board',
  bodyPhrase: 'we sold seven hundred apples',
  attachmentName: 'q3-figures.csv',
  sender: SENDER,
  recipient: RECIPIENT,
};

export const EXPLANATION =
  'Transport TLS is a courier who carries your letter sealed between two post offices, but every ' +
  'office opens it, reads it and seals it again for the next leg. End-to-end encryption is a ' +
  'letter you seal yourself that only the recipient can open; the offices still see the address ' +
  'on the envelope (sender, recipient, size), but not what is inside.';

const CASES: readonly { name: DemoCaseName; title: string; policy: SendPolicy }[] = [
  {
    name: 'transport-only',
    title: 'transport TLS only',
    policy: { ...DEFAULT_POLICY, encrypt: 'never', sign: 'none' },
  },
  {
    name: 'pgp',
    title: 'OpenPGP (PGP/MIME)',
    policy: { ...DEFAULT_POLICY, encrypt: 'require', scheme: 'pgp', sign: 'pgp' },
  },
  {
    name: 'smime',
    title: 'S/MIME',
    policy: { ...DEFAULT_POLICY, encrypt: 'require', scheme: 'smime', sign: 'smime' },
  },
];

/** What the recipient reads: the mailbox copy, decrypted with the recipient's key when sealed. */
async function openAsRecipient(name: DemoCaseName, raw: Uint8Array, ids: DemoIdentities) {
  if (name === 'pgp') {
    const opened = await pgp.decryptMime(raw, {
      decryptionKeys: [ids.recipientPgp.privateKey],
      verificationKeys: [
        (ids.keys.signers!.pgp!.material as { privateKey: pgp.PrivateKey }).privateKey.toPublic(),
      ],
    });
    const valid = opened.signatures.some((s) => s.status === 'valid');
    return {
      bytes: joinMessage(opened.headers, opened.entity),
      signature: valid ? ('valid' as const) : ('invalid' as const),
    };
  }
  if (name === 'smime') {
    const opened = await smime.decryptMime(raw, {
      ...ids.recipientSmime,
      trustAnchors: [smime.readCertificate(ids.caPem)],
    });
    return {
      bytes: joinMessage(opened.headers, opened.entity),
      signature: opened.signature?.status === 'valid' ? ('valid' as const) : ('invalid' as const),
    };
  }
  return { bytes: raw, signature: 'none' as const };
}

function contradictions(evidence: DemoCase['evidence'], predicted: ExposureMatrix): string[] {
  const problems: string[] = [];
  for (const item of evidence) {
    for (const finding of item.findings) {
      const expected = predicted[item.predictedAs][finding.part].visibility;
      if (expected === 'hidden' && finding.seen)
        problems.push(`${item.observer} saw the ${finding.part}`);
      if (expected === 'readable' && !finding.seen && item.kind === 'server-copy')
        problems.push(`${item.observer} should have seen the ${finding.part}`);
    }
  }
  return problems;
}

async function runCase(
  spec: (typeof CASES)[number],
  network: DemoNetwork,
  ids: DemoIdentities,
  attachment: Uint8Array,
): Promise<DemoCase> {
  for (const link of Object.values(network.links)) link.reset();
  const message = createMessage({
    from: { name: 'Alice', address: SENDER },
    to: { name: 'Bob', address: RECIPIENT },
    subject: DEMO_SECRETS.subject,
    text: `Hi Bob,\n\n${DEMO_SECRETS.bodyPhrase} this quarter; the figures are attached.\n\nAlice\n`,
    attachments: [
      { filename: DEMO_SECRETS.attachmentName, contentType: 'text/csv', content: attachment },
    ],
  });
  const transport = createSmtpTransport({
    host: '127.0.0.1',
    port: network.submission.implicitTlsPort,
    mode: 'implicit-tls',
    servername: 'localhost',
    ca: ids.caPem,
    auth: { user: network.credentials.user, pass: network.credentials.password },
    timeouts: { connectMs: 5_000, greetingMs: 5_000, socketMs: 10_000 },
  });
  try {
    const plan = planSend(message, spec.policy, ids.keys);
    const report = await executePlan(plan, transport, {
      message,
      ...(ids.keys.signers ? { signers: ids.keys.signers } : {}),
    });
    const sent = report.messages[0]!;
    const { hops, links } = network;
    const lastCopy = (hop: keyof typeof hops) => hops[hop].copies.at(-1)!.bytes;
    const recipient = await openAsRecipient(spec.name, new Uint8Array(lastCopy('mailbox')), ids);
    type Recorder = (typeof links)[keyof typeof links];
    const link = (observer: string, recorder: Recorder, predictedAs: Observer) => ({
      ...inspectLink(observer, recorder.bytes('up'), recorder.bytes('down'), DEMO_SECRETS),
      predictedAs,
    });
    const server = (observer: string, bytes: Buffer, predictedAs: Observer) => ({
      ...inspectServerCopy(observer, bytes, DEMO_SECRETS),
      predictedAs,
    });
    // In path order: what each cable and each server could read.
    const evidence: DemoCase['evidence'] = [
      link('network: you → submission', links.toSubmissionImplicit, 'network-to-submission'),
      server('submission server', lastCopy('submission'), 'submission-server'),
      link('network: submission → relay', links.submissionToRelay, 'network-between-servers'),
      server('relay', lastCopy('relay'), 'relays'),
      link('network: relay → mailbox', links.relayToMailbox, 'network-between-servers'),
      server("recipient's mailbox server", lastCopy('mailbox'), 'recipient-provider'),
      server('recipient (after decrypting)', Buffer.from(recipient.bytes), 'recipient'),
    ];
    return {
      name: spec.name,
      title: spec.title,
      transport: sent.transport,
      predicted: sent.exposure,
      evidence,
      contradictions: contradictions(evidence, sent.exposure),
      signature: recipient.signature,
    };
  } finally {
    await transport.close();
  }
}

export interface RunDemoOptions {
  /** Keep every stored copy and link recording in this directory. */
  readonly keep?: string;
  readonly onStep?: (text: string) => void;
}

export async function runDemo(options: RunDemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const dir = options.keep ?? (await mkdtemp(join(tmpdir(), 'sealpost-demo-')));
  options.onStep?.('making a throwaway CA, OpenPGP keys and S/MIME certificates…');
  const ids = await createDemoIdentities();
  options.onStep?.(
    'starting the submission server, a relay and the recipient’s mailbox on 127.0.0.1…',
  );
  const network = await startDemoNetwork({ dir, tls: { caPem: ids.caPem, ...ids.serverTls } });
  const attachment = new TextEncoder().encode('quarter,apples\nQ3,700\n');
  try {
    const cases: DemoCase[] = [];
    for (const spec of CASES) {
      options.onStep?.(`sending it ${spec.title}…`);
      cases.push(await runCase(spec, network, ids, attachment));
      if (options.keep) {
        for (const link of Object.values(network.links)) {
          const name = link.name
            .replace(/[^a-z0-9]+/gi, '-')
            .replace(/^-|-$/g, '')
            .toLowerCase();
          await writeFile(
            join(dir, `${spec.name}.link.${name}.bin`),
            Buffer.concat([link.bytes('up'), link.bytes('down')]),
          );
        }
      }
    }
    return {
      dir: options.keep ?? null,
      secrets: DEMO_SECRETS,
      cases,
      explanation: EXPLANATION,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await network.close();
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}
