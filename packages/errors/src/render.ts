import type { ErrorCodeEntry } from './codes/entry.js';
import { ERROR_CODE_SECTIONS } from './codes.js';

const SECTION_TITLES: Record<keyof typeof ERROR_CODE_SECTIONS, string> = {
  general: 'General',
  compose: 'Message composition (@sealpost/compose)',
  transport: 'Transport (@sealpost/transport)',
  pgp: 'OpenPGP (@sealpost/pgp)',
  smime: 'S/MIME (@sealpost/smime)',
  keystore: 'Key stores and key files (@sealpost/keystore)',
  pipeline: 'Policy and apps (@sealpost/pipeline, sealpost)',
  queue: 'Send-job queue (@sealpost/queue)',
};

const EXIT_CODES = {
  usage: 2,
  policy: 3,
  transport: 4,
  crypto: 5,
  input: 6,
  internal: 1,
} as const;

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The user-facing list of every error code, as docs/error-codes.md holds it. */
export function renderErrorCodesMarkdown(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from packages/errors/src/codes/*.ts by scripts/gen-error-codes.mjs; do not edit. -->',
    '',
    'Every error sealpost raises is a `SealpostError` with one of these stable `code`s. Retry',
    'decisions use `isTransient(err)` / `isPermanent(err)` / `isAmbiguous(err)`, never the message',
    'text; an SMTP reply code (4xx transient, 5xx permanent) overrides the default below.',
    'The exit code is what the `sealpost` command line returns for the code.',
    '',
  ];
  for (const [section, codes] of Object.entries(ERROR_CODE_SECTIONS)) {
    lines.push(`## ${SECTION_TITLES[section as keyof typeof ERROR_CODE_SECTIONS]}`, '');
    lines.push('| code | meaning | what to do | retry | exit |', '|---|---|---|---|---|');
    for (const [code, entry] of Object.entries(codes) as [string, ErrorCodeEntry][]) {
      lines.push(
        `| \`${code}\` | ${cell(entry.description)} | ${cell(entry.action)} | ${entry.retry} | ${EXIT_CODES[entry.category]} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The command line's exit code for an error category (docs/design.md §6, issue 6). */
export function exitCodeFor(category: keyof typeof EXIT_CODES): number {
  return EXIT_CODES[category];
}
