/**
 * The JSON form of `POST /v1/messages` → a compose Message (RFC 5322, checked strictly by
 * createMessage: addresses, CRLF in fields, header names) and the request's policy fields.
 */
import { createMessage, type Message } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { PolicyFields } from './request-policy.js';

const FIELDS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'text',
  'html',
  'attachments',
  'headers',
  'encrypt',
  'sign',
  'policy',
]);

function bad(message: string): SealpostError {
  return new SealpostError('EREQUEST', message);
}

function stringList(name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw bad(`"${name}" must be a list of address strings.`);
  return value as string[];
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(`"${name}" must be a string.`);
  return value;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

function attachments(value: unknown) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw bad('"attachments" must be a list.');
  return value.map((a: unknown, i) => {
    if (a === null || typeof a !== 'object' || Array.isArray(a))
      throw bad(`attachments[${i}] must be an object.`);
    const { filename, contentType, content } = a as Record<string, unknown>;
    if (typeof content !== 'string' || !BASE64.test(content))
      throw bad(`attachments[${i}].content must be base64 text.`);
    return {
      ...(filename !== undefined ? { filename: optionalString('filename', filename) } : {}),
      ...(contentType !== undefined
        ? { contentType: optionalString('contentType', contentType) }
        : {}),
      content: new Uint8Array(Buffer.from(content, 'base64')),
    };
  });
}

function headers(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw bad('"headers" must be an object of field name → value.');
  for (const v of Object.values(value))
    if (typeof v !== 'string') throw bad('Header values must be strings.');
  return value as Record<string, string>;
}

export function parseJsonMessage(body: Buffer): { message: Message; policy: PolicyFields } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw bad('The request body must be one JSON object.');
  const input = parsed as Record<string, unknown>;
  for (const key of Object.keys(input))
    if (!FIELDS.has(key)) throw bad(`Unknown field ${JSON.stringify(key.slice(0, 40))}.`);
  if (typeof input.from !== 'string') throw bad('"from" must be an address string.');
  const to = stringList('to', input.to);
  if (!to) throw bad('"to" must be a list of address strings.');
  const cc = stringList('cc', input.cc);
  const bcc = stringList('bcc', input.bcc);
  const subject = optionalString('subject', input.subject);
  const text = optionalString('text', input.text);
  const html = optionalString('html', input.html);
  const files = attachments(input.attachments);
  const extra = headers(input.headers);
  const message = createMessage({
    from: input.from,
    to,
    ...(cc ? { cc } : {}),
    ...(bcc ? { bcc } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
    ...(files ? { attachments: files } : {}),
    ...(extra ? { headers: extra } : {}),
  });
  return {
    message,
    policy: { encrypt: input.encrypt, sign: input.sign, policy: input.policy },
  };
}
