// `sealpost demo` end to end: the built binary, its JSON (every observer cell), --keep, and a
// clean exit (a process that exits by itself left no server or socket behind).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../apps/cli/dist/bin.js', import.meta.url));
const keep = mkdtempSync(join(tmpdir(), 'sealpost-demo-keep-'));
type Finding = { part: string; seen: boolean };
type Evidence = { observer: string; kind: string; findings: Finding[] };
type DemoJson = {
  dir: string;
  explanation: string;
  cases: {
    name: string;
    signature: string;
    contradictions: string[];
    transport: { mode: string; tls: { validation: string; version: string } };
    evidence: Evidence[];
  }[];
};
let result: DemoJson;
let human: { stdout: string; stderr: string; status: number | null };

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, 'demo', ...args], {
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
  size: true,
};
const TLS_ONLY = {
  body: false,
  subject: false,
  'attachment-names': false,
  sender: false,
  recipients: false,
  size: true,
};
const ENVELOPE = {
  body: false,
  subject: false,
  'attachment-names': false,
  sender: true,
  recipients: true,
  size: true,
};

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
  });
});

describe('sealpost demo (human output)', () => {
  it('prints the side-by-side table, the evidence and the plain-words explanation', () => {
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /who could read it\s+transport TLS only\s+OpenPGP \(PGP\/MIME\)\s+S\/MIME/,
    );
    expect(human.stdout).toMatch(
      /submission server\s+READS EVERYTHING\s+only sender, recipient\s+only sender, recipient/,
    );
    expect(human.stdout).toContain('Subject: [...]');
    expect(human.stdout).toContain('courier who carries your letter');
    expect(human.stdout).not.toMatch(/\u001b\[/);
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
      const refused = spawnSync(process.execPath, [bin, 'demo', '--keep', place], {
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
