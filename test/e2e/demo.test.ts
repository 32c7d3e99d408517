// `sealpost demo` end to end: the built binary, its JSON (every observer cell of every path,
// the attacker's and the MTA-STS refusal included), --keep with its README and throwaway keys,
// the 80-column human output, and a clean exit (a process that exits by itself left no server
// or socket behind).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin } from './run-cli.js';

const keep = mkdtempSync(join(tmpdir(), 'sealpost-demo-keep-'));
type Finding = { part: string; seen: boolean };
type Evidence = {
  observer: string;
  kind: string;
  findings: Finding[];
  summary: string;
  transcript?: string[];
  received?: boolean;
};
type DemoCase = {
  name: string;
  path: string;
  signature: string;
  contradictions: string[];
  delivered: boolean;
  relayDelivery: { delivered: boolean; code?: string; tls?: string | null; note: string } | null;
  transport: { mode: string; tls: { validation: string; version: string } };
  evidence: Evidence[];
};
type DemoJson = {
  dir: string;
  explanation: string;
  protections: { name: string; stops: string; doesNotStop: string }[];
  cases: DemoCase[];
  attacks: {
    name: string;
    hop: string;
    dnsQuestions: string[];
    policyFetches: string[];
    cases: DemoCase[];
  }[];
};
let result: DemoJson;
let human: { stdout: string; stderr: string; status: number | null };

function run(args: string[]) {
  return spawnSync(bin, ['demo', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, NO_COLOR: '1' },
  });
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('apps/cli is not built: run "bash scripts/setup.sh" first');
  const json = run(['--json', '--keep', keep]);
  expect(json.status, json.stderr).toBe(0);
  result = JSON.parse(json.stdout);
  human = run([]);
}, 120_000);

afterAll(() => rmSync(keep, { recursive: true, force: true }));

const seen = (e: Evidence) => Object.fromEntries(e.findings.map((f) => [f.part, f.seen]));
const ALL = {
  body: true,
  subject: true,
  'attachment-names': true,
  sender: true,
  recipients: true,
  date: true,
  size: true,
};
const TLS_ONLY = {
  body: false,
  subject: false,
  'attachment-names': false,
  sender: false,
  recipients: false,
  date: false,
  size: true,
};
const ENVELOPE = {
  body: false,
  subject: false,
  'attachment-names': false,
  sender: true,
  recipients: true,
  date: true,
  size: true,
};
/** The mailbox and the recipient when the relay refused to deliver. */
const NOTHING = {
  body: false,
  subject: false,
  'attachment-names': false,
  sender: false,
  recipients: false,
  date: false,
  size: false,
};
const attack = (name: string) => result.attacks.find((a) => a.name === name)!;

describe('sealpost demo --json', () => {
  it('sends transport-only, PGP/MIME and S/MIME over verified TLS', () => {
    expect(result.cases.map((c) => c.name)).toEqual(['transport-only', 'pgp', 'smime']);
    for (const c of result.cases) {
      expect(c.transport.mode).toBe('implicit-tls');
      expect(c.transport.tls.validation).toBe('verified');
      expect(c.contradictions).toEqual([]);
    }
    expect(result.cases.map((c) => c.signature)).toEqual(['none', 'valid', 'valid']);
  });

  it('transport-only: every server reads everything, every link shows only TLS', () => {
    const [link1, submission, link2, relay, link3, mailbox, recipient] = result.cases[0]!.evidence;
    for (const link of [link1!, link2!, link3!])
      expect(seen(link), link.observer).toEqual(TLS_ONLY);
    for (const server of [submission!, relay!, mailbox!])
      expect(seen(server), server.observer).toEqual(ALL);
    expect(seen(recipient!)).toEqual(ALL);
  });

  it.each([
    ['pgp', 1],
    ['smime', 2],
  ])(
    '%s: servers see only the envelope parts, links only TLS, the recipient everything',
    (_name, index) => {
      const [link1, submission, link2, relay, link3, mailbox, recipient] =
        result.cases[index]!.evidence;
      for (const link of [link1!, link2!, link3!])
        expect(seen(link), link.observer).toEqual(TLS_ONLY);
      for (const server of [submission!, relay!, mailbox!])
        expect(seen(server), server.observer).toEqual(ENVELOPE);
      expect(seen(recipient!)).toEqual(ALL);
    },
  );

  it('keeps every stored copy and link recording with --keep', () => {
    expect(result.dir).toBe(keep);
    for (const hop of ['submission', 'relay', 'mailbox']) {
      expect(readdirSync(join(keep, 'hops', hop)).sort()).toEqual([
        '001.eml',
        '002.eml',
        '003.eml',
      ]);
    }
    expect(readFileSync(join(keep, 'hops', 'relay', '001.eml'), 'utf8')).toContain(
      'we sold seven hundred apples',
    );
    expect(readFileSync(join(keep, 'hops', 'relay', '002.eml'), 'utf8')).toContain(
      '-----BEGIN PGP MESSAGE-----',
    );
    expect(readFileSync(join(keep, 'hops', 'relay', '003.eml'), 'utf8')).toMatch(
      /smime-type=authEnveloped-data/,
    );
    expect(readdirSync(keep).filter((f) => f.endsWith('.bin')).length).toBe(12);
    for (const path of ['starttls-stripped', 'mta-sts-enforce'])
      expect(readdirSync(join(keep, path)).filter((f) => f.endsWith('.bin')).length).toBe(12);
    expect(readdirSync(join(keep, 'mta-sts-enforce', 'hops', 'mailbox'))).toEqual([]);
  });
});

describe('sealpost demo --json: an attacker strips STARTTLS between relay and mailbox', () => {
  it('the relay found the MX host in the demo DNS, no MTA-STS policy, and sent in cleartext', () => {
    const stripped = attack('starttls-stripped');
    expect(stripped.hop).toBe('relay → mailbox');
    expect(stripped.dnsQuestions).toEqual(
      expect.arrayContaining(['MX recipient.localhost', 'TXT _mta-sts.recipient.localhost']),
    );
    expect(stripped.policyFetches).toEqual([]);
    expect(stripped.cases.map((c) => c.name)).toEqual(['transport-only', 'pgp', 'smime']);
    for (const c of stripped.cases) {
      expect(c.contradictions, c.name).toEqual([]);
      expect(c.delivered).toBe(true);
      expect(c.relayDelivery).toMatchObject({ delivered: true, tls: null });
      expect(c.relayDelivery!.note).toContain('no STARTTLS offered');
    }
    expect(stripped.cases.map((c) => c.signature)).toEqual(['none', 'valid', 'valid']);
  });

  it('transport-only: the attacker reads everything; the other links only TLS', () => {
    const [link1, submission, link2, relay, attacker, mailbox, recipient] =
      attack('starttls-stripped').cases[0]!.evidence;
    for (const link of [link1!, link2!]) expect(seen(link), link.observer).toEqual(TLS_ONLY);
    expect(attacker!.kind).toBe('attacker-recording');
    expect(seen(attacker!)).toEqual(ALL);
    // The mailbox's own session says so too: the message reached it without TLS.
    expect(mailbox!.summary).toContain('arrived in CLEARTEXT');
    expect(result.cases[0]!.evidence[5]!.summary).toContain('arrived over TLS');
    for (const server of [submission!, relay!, mailbox!])
      expect(seen(server), server.observer).toEqual(ALL);
    expect(seen(recipient!)).toEqual(ALL);
  });

  it.each([
    ['pgp', 1],
    ['smime', 2],
  ])('%s: the attacker sees only the envelope, like the servers', (_name, index) => {
    const [link1, submission, link2, relay, attacker, mailbox, recipient] =
      attack('starttls-stripped').cases[index]!.evidence;
    for (const link of [link1!, link2!]) expect(seen(link), link.observer).toEqual(TLS_ONLY);
    expect(seen(attacker!)).toEqual(ENVELOPE);
    for (const server of [submission!, relay!, mailbox!])
      expect(seen(server), server.observer).toEqual(ENVELOPE);
    expect(seen(recipient!)).toEqual(ALL);
  });

  it('the attacker really recorded the cleartext: its own bytes, not the prediction', () => {
    const bytes = (name: string) =>
      readFileSync(join(keep, 'starttls-stripped', `${name}.link.attacker-on-relay-mailbox.bin`));
    const clear = bytes('transport-only').toString('latin1');
    // The mailbox offered STARTTLS; the attacker took it out of what the relay got.
    expect(clear).toContain('250-STARTTLS');
    expect(clear).toContain('MAIL FROM:<alice@sender.localhost>');
    expect(clear).toContain('we sold seven hundred apples');
    expect(clear).toContain('Subject: Quarterly numbers for the board');
    const sealed = bytes('pgp').toString('latin1');
    expect(sealed).toContain('-----BEGIN PGP MESSAGE-----');
    expect(sealed).toContain('RCPT TO:<bob@recipient.localhost>');
    expect(sealed).not.toContain('we sold seven hundred apples');
    expect(bytes('smime').toString('latin1')).not.toContain('we sold seven hundred apples');
    const transcript = attack('starttls-stripped').cases[0]!.evidence[4]!.transcript!;
    expect(transcript).toContain('mailbox: 250-STARTTLS   ← removed by the attacker');
    expect(transcript).toContain('relay:   EHLO relay.localhost');
  });
});

describe('sealpost demo --json: the same attacker against MTA-STS in enforce mode', () => {
  it('the relay fetched the policy over HTTPS and refused every delivery (EMTASTS)', () => {
    const enforced = attack('mta-sts-enforce');
    expect(enforced.dnsQuestions).toContain('TXT _mta-sts.recipient.localhost');
    expect(enforced.policyFetches).toEqual(['mta-sts.recipient.localhost']);
    for (const c of enforced.cases) {
      expect(c.contradictions, c.name).toEqual([]);
      expect(c.delivered).toBe(false);
      expect(c.relayDelivery).toMatchObject({ delivered: false, code: 'EMTASTS' });
      expect(c.signature).toBe('none');
    }
  });

  it.each([
    ['transport-only', 0, ALL],
    ['pgp', 1, ENVELOPE],
    ['smime', 2, ENVELOPE],
  ])(
    '%s: the attacker gets no part of the message, nothing reaches the mailbox',
    (_n, i, server) => {
      const [link1, submission, link2, relay, attacker, mailbox, recipient] =
        attack('mta-sts-enforce').cases[i]!.evidence;
      for (const link of [link1!, link2!]) expect(seen(link), link.observer).toEqual(TLS_ONLY);
      for (const hop of [submission!, relay!]) expect(seen(hop), hop.observer).toEqual(server);
      expect(seen(attacker!)).toEqual({ ...TLS_ONLY, size: true });
      expect(attacker!.transcript).toContain('relay:   STARTTLS   ← kept from the mailbox');
      expect(attacker!.transcript!.join('\n')).not.toContain('MAIL FROM');
      for (const nobody of [mailbox!, recipient!]) {
        expect(nobody.received, nobody.observer).toBe(false);
        expect(seen(nobody)).toEqual(NOTHING);
      }
      const recorded = readFileSync(
        join(keep, 'mta-sts-enforce', `${_n}.link.attacker-on-relay-mailbox.bin`),
        'latin1',
      );
      expect(recorded).toContain('EHLO relay.localhost');
      expect(recorded).not.toContain('MAIL FROM');
    },
  );

  it('says in plain words what each protection does and does not stop', () => {
    expect(result.protections.map((p) => p.name)).toEqual([
      'Opportunistic STARTTLS (port 25 by default)',
      'MTA-STS in enforce mode',
      'End-to-end encryption (OpenPGP, S/MIME)',
    ]);
    for (const p of result.protections) {
      expect(p.stops.length).toBeGreaterThan(20);
      expect(p.doesNotStop.length).toBeGreaterThan(20);
    }
  });
});

describe('sealpost demo --keep: a kit for the class', () => {
  it('writes a README mapping the files, and throwaway keys clearly marked as such', () => {
    const readme = readFileSync(join(keep, 'README.md'), 'utf8');
    expect(readme).toContain('THROWAWAY');
    expect(readme).toContain(
      '| `hops/relay/002.eml` | OpenPGP (PGP/MIME) | what the relay stored |',
    );
    expect(readme).toContain(
      '| `starttls-stripped/transport-only.link.attacker-on-relay-mailbox.bin` | transport TLS only |',
    );
    expect(readme).not.toContain('`mta-sts-enforce/hops/mailbox/');
    expect(readdirSync(join(keep, 'keys')).sort()).toEqual([
      'THROWAWAY-alice-openpgp-public-key.asc',
      'THROWAWAY-bob-openpgp-secret-key.asc',
      'THROWAWAY-bob-smime-certificate.pem',
      'THROWAWAY-bob-smime-private-key.pem',
      'THROWAWAY-demo-ca.crt',
    ]);
  });

  it("the README's gpg and openssl cms commands open the kept copies", () => {
    const readme = readFileSync(join(keep, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    const run = (script: string) =>
      execFileSync('sh', ['-ec', script], {
        cwd: keep,
        encoding: 'utf8',
        timeout: 30_000,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, HOME: keep },
      });
    const opened = run(`${blocks[0]!}`);
    expect(opened).toContain('we sold seven hundred apples');
    run(blocks[1]!);
    expect(readFileSync(join(keep, 'smime-opened.eml'), 'latin1')).toContain(
      'we sold seven hundred apples',
    );
  });
});

describe('sealpost demo (human output)', () => {
  it('prints the side-by-side table, the evidence and the plain-words explanation', () => {
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /who could read it\s+transport TLS only\s+OpenPGP \(PGP\/MIME\)\s+S\/MIME/,
    );
    expect(human.stdout).toMatch(
      /submission server\s+READS EVERYTHING\s+sees only sender,\s+sees only sender,/,
    );
    expect(human.stdout).toMatch(/recipients, date,\s+recipients, date,/);
    expect(human.stdout).toContain('Subject: [...]');
    expect(human.stdout).toContain('courier who carries your letter');
    expect(human.stdout).not.toMatch(/\u001b\[/);
  });

  it('shows all three paths, the attacker and the refusal, with evidence for every hop', () => {
    const out = human.stdout;
    expect(out).toContain('1. Every hop with verified TLS');
    expect(out).toContain('2. An attacker strips STARTTLS between relay and mailbox');
    expect(out).toMatch(/3\. The same attacker, the recipient domain publishes MTA-STS/);
    expect(out).toMatch(/attacker: relay →\s+READS EVERYTHING\s+sees only sender,/);
    expect(out).toMatch(/attacker: relay →\s+EHLO only, no\s+EHLO only, no/);
    expect(out).toMatch(/recipient's mailbox\s+nothing arrived\s+nothing arrived/);
    // Three paths of three cases; under MTA-STS nothing reaches the mailbox.
    for (const [hop, count] of [
      ['submission server stored:', 9],
      ['relay stored:', 9],
      ["recipient's mailbox server stored:", 6],
    ] as const)
      expect(out.split(hop).length - 1, hop).toBe(count);
    expect(out).toContain('relay:   EHLO relay.localhost');
    expect(out).toContain('mailbox: 250-STARTTLS   ← removed by the attacker');
    expect(out).toContain('relay REFUSED to deliver (EMTASTS)');
    expect(out).toContain('What each protection does and does not stop:');
  });

  it('fits 80 columns when the width is unknown and stdout is not a terminal', () => {
    const widest = Math.max(...human.stdout.split('\n').map((line) => [...line].length));
    expect(widest).toBeLessThanOrEqual(80);
  });
});

describe('sealpost demo --keep with a place it cannot use', () => {
  it('fails at once with EIO, before any server starts, for a file or an unwritable place', () => {
    const file = join(keep, 'a-file');
    writeFileSync(file, 'not a directory');
    const places = [file, join(file, 'below-a-file')];
    // /proc refuses mkdir with ENOENT; Node's recursive mkdir used to spin there forever.
    if (existsSync('/proc/self')) places.push('/proc/sealpost-demo-keep');
    for (const place of places) {
      const started = Date.now();
      const refused = spawnSync(bin, ['demo', '--keep', place], {
        encoding: 'utf8',
        timeout: 10_000,
        env: { PATH: process.env.PATH, NO_COLOR: '1' },
      });
      expect(refused.status, `${place}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain('error EIO');
      expect(refused.stderr).not.toContain('starting the submission server');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });
});

describe('sealpost demo --html and --subject that cannot be used', () => {
  it('refuses at once, before any server starts', () => {
    const refuse = (args: string[], code: number, text: string) => {
      const started = Date.now();
      const refused = spawnSync(bin, ['demo', ...args], {
        encoding: 'utf8',
        timeout: 10_000,
        env: { PATH: process.env.PATH, NO_COLOR: '1' },
      });
      expect(refused.status, refused.stderr).toBe(code);
      expect(refused.stderr).toContain(text);
      expect(refused.stderr).not.toContain('starting three mail paths');
      expect(Date.now() - started).toBeLessThan(5_000);
    };
    refuse(['--html', join(keep, 'no-such-dir', 'page.html')], 2, 'error EIO');
    refuse(['--subject', 'tab\there'], 2, 'error EUSAGE');
  });
});
