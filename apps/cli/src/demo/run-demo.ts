/**
 * `sealpost demo`: the same message, with an attachment, sent through a real mail path on
 * loopback — transport TLS only, PGP/MIME, S/MIME (signed and encrypted, with header
 * protection) — first with verified TLS on every hop, then with an attacker stripping
 * STARTTLS between the relay and the recipient's mailbox, then with the recipient domain's
 * MTA-STS policy against that attacker; and, for each, what every server, every link and the
 * attacker could actually read, next to what sealpost's report predicted.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, type DemoCase, runCase } from './demo-case.js';
import { createDemoIdentities, RECIPIENT, SENDER } from './demo-identities.js';
import { EXPLANATION, PATHS, PROTECTIONS, type Protection } from './demo-paths.js';
import type { DemoSecrets } from './evidence.js';
import { writeKeepGuide } from './keep-guide.js';
import { type DemoPathName, startDemoNetwork } from './network.js';

export type { DemoCase, DemoCaseName } from './demo-case.js';

/** One attacked path: its cases and what its DNS and policy host were asked. */
export interface DemoAttack {
  readonly name: DemoPathName;
  readonly title: string;
  readonly hop: 'relay → mailbox';
  readonly relayDelivery: string;
  readonly dnsQuestions: readonly string[];
  /** MTA-STS policy fetches served (host names); empty without a policy. */
  readonly policyFetches: readonly string[];
  readonly cases: readonly DemoCase[];
}

export interface DemoResult {
  readonly dir: string | null;
  readonly secrets: DemoSecrets;
  /** The path with verified TLS on every hop. */
  readonly cases: readonly DemoCase[];
  /** The same messages with an attacker on the relay → mailbox hop, without and with MTA-STS. */
  readonly attacks: readonly DemoAttack[];
  readonly explanation: string;
  readonly protections: readonly Protection[];
  readonly durationMs: number;
}

export const DEMO_SECRETS: DemoSecrets = {
  subject: 'Quarterly numbers for the board',
  bodyPhrase: 'we sold seven hundred apples',
  attachmentName: 'q3-figures.csv',
  sender: SENDER,
  recipient: RECIPIENT,
};

export interface RunDemoOptions {
  /** Keep every stored copy and link recording in this directory. */
  readonly keep?: string;
  /** Send this Subject instead of the default one (printable ASCII). */
  readonly subject?: string;
  readonly onStep?: (text: string) => void;
}

function fileName(text: string): string {
  return text
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

export async function runDemo(options: RunDemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const dir = options.keep ?? (await mkdtemp(join(tmpdir(), 'sealpost-demo-')));
  const secrets = { ...DEMO_SECRETS, ...(options.subject ? { subject: options.subject } : {}) };
  options.onStep?.('making a throwaway CA, OpenPGP keys and S/MIME certificates…');
  const ids = await createDemoIdentities();
  const attachment = new TextEncoder().encode('quarter,apples\nQ3,700\n');
  try {
    options.onStep?.('starting three mail paths on 127.0.0.1, each with its own servers…');
    // The paths share nothing but the throwaway identities: they run side by side.
    const settled = await Promise.allSettled(
      PATHS.map(async (path, index) => {
        // The first path keeps the layout of earlier versions: its files at the top of --keep.
        const pathDir = path.name === 'tls-everywhere' ? dir : join(dir, path.name);
        const network = await startDemoNetwork({
          dir: pathDir,
          tls: { caPem: ids.caPem, ...ids.serverTls },
          path: path.name,
        });
        try {
          const cases: DemoCase[] = [];
          for (const spec of CASES) {
            options.onStep?.(`  path ${index + 1}: sending it ${spec.title}…`);
            cases.push(await runCase(spec, network, ids, { secrets, attachment }));
            if (options.keep) {
              await mkdir(pathDir, { recursive: true });
              for (const link of Object.values(network.links)) {
                await writeFile(
                  join(pathDir, `${spec.name}.link.${fileName(link.name)}.bin`),
                  Buffer.concat([link.bytes('up'), link.bytes('down')]),
                );
              }
            }
          }
          return {
            cases,
            dns: [...(network.dns?.questions ?? [])],
            fetches: [...(network.policy?.fetches ?? [])],
          };
        } finally {
          await network.close();
        }
      }),
    );
    // Every path has closed its servers before a failure is passed on.
    const runs = settled.map((run) => {
      if (run.status === 'rejected') throw run.reason;
      return run.value;
    });
    const byPath = new Map(PATHS.map((path, i) => [path.name, runs[i]!]));
    const attacks = PATHS.filter((p) => p.name !== 'tls-everywhere').map(
      (p): DemoAttack => ({
        name: p.name,
        title: p.title,
        hop: 'relay → mailbox',
        relayDelivery: p.relayDelivery,
        dnsQuestions: byPath.get(p.name)!.dns,
        policyFetches: byPath.get(p.name)!.fetches,
        cases: byPath.get(p.name)!.cases,
      }),
    );
    const result: DemoResult = {
      dir: options.keep ?? null,
      secrets,
      cases: byPath.get('tls-everywhere')!.cases,
      attacks,
      explanation: EXPLANATION,
      protections: PROTECTIONS,
      durationMs: 0,
    };
    if (options.keep) await writeKeepGuide(dir, result, ids);
    return { ...result, durationMs: Math.round(performance.now() - started) };
  } finally {
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}
