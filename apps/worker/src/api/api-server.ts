/**
 * The worker's HTTP API on node:http (RFC 9110): bearer-token auth on everything but /healthz
 * and the style sheet, JSON or message/rfc822 submissions protected before they are queued,
 * job status, resend, Prometheus metrics and the dashboard (docs/worker.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readSubmission } from '@sealpost/compose';
import type { SealpostConfig } from '@sealpost/config';
import { SealpostError } from '@sealpost/errors';
import type { SendPolicy } from '@sealpost/pipeline';
import { JOB_STATES, type JobQueue, type JobState } from '@sealpost/queue';
import { DASHBOARD_CSP, dashboardPage, loginPage } from '../dashboard/dashboard-page.js';
import { DASHBOARD_CSS } from '../dashboard/dashboard-style.js';
import { jobView } from '../job-view.js';
import type { WorkerMetrics } from '../metrics.js';
import { protectAndEnqueue } from '../protect-at-enqueue.js';
import type { SendSetup } from '../send-sources.js';
import { bearerToken, type WorkerToken } from '../worker-token.js';
import { errorResponse } from './error-response.js';
import { parseJsonMessage } from './json-message.js';
import { readBody } from './read-body.js';
import { requestPolicy } from './request-policy.js';

export interface ApiDependencies {
  readonly queue: JobQueue;
  readonly token: WorkerToken;
  readonly config: SealpostConfig;
  readonly setup: SendSetup;
  readonly metrics: WorkerMetrics;
  readonly maxBodyBytes: number;
  readonly maxAttempts?: number;
}

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const COOKIE = 'sealpost_dashboard';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': DASHBOARD_CSP,
    'x-frame-options': 'DENY',
    ...extra,
  });
  res.end(html);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function unauthorized(): SealpostError {
  return new SealpostError(
    'EWORKER_TOKEN',
    'Send "Authorization: Bearer TOKEN" with the worker token.',
  );
}

export function createApiServer(deps: ApiDependencies): Server {
  const { queue, token } = deps;

  const authorized = (req: IncomingMessage) =>
    token.matches(bearerToken(req.headers.authorization));
  const dashboardSession = (req: IncomingMessage) =>
    authorized(req) || cookieValue(req, COOKIE) === token.sessionValue;

  /** A signature the worker has no key for is the request's mistake, refused before any work. */
  async function checkSigner(policy: SendPolicy): Promise<SendPolicy> {
    if (policy.sign !== 'none' && !(await deps.setup.signers())[policy.sign])
      throw new SealpostError(
        'EUSAGE',
        `"sign": "${policy.sign}" needs a signing key of that scheme in the worker's settings (signKey, SEALPOST_SIGN_KEY).`,
      );
    return policy;
  }

  async function postMessage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const key = req.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)))
      throw new SealpostError(
        'EREQUEST',
        'Idempotency-Key must be 1–200 visible ASCII characters.',
      );
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json' && type !== 'message/rfc822')
      throw new SealpostError('EREQUEST', 'Send application/json or message/rfc822.');
    const body = await readBody(req, deps.maxBodyBytes);
    let enqueued: Awaited<ReturnType<typeof protectAndEnqueue>>;
    const options = {
      ...(key ? { idempotencyKey: key } : {}),
      ...(deps.maxAttempts ? { maxAttempts: deps.maxAttempts } : {}),
    };
    if (type === 'application/json') {
      const { message, policy } = parseJsonMessage(body);
      enqueued = await protectAndEnqueue(
        queue,
        message,
        await checkSigner(requestPolicy(policy, deps.config)),
        deps.setup,
        options,
      );
    } else {
      const q = url.searchParams;
      for (const name of q.keys())
        if (!['encrypt', 'sign', 'policy'].includes(name))
          throw new SealpostError('EREQUEST', 'Query parameters: encrypt, sign, policy.');
      const policy = await checkSigner(
        requestPolicy(
          {
            ...(q.has('encrypt') ? { encrypt: q.get('encrypt') } : {}),
            ...(q.has('sign') ? { sign: q.get('sign') } : {}),
            ...(q.has('policy') ? { policy: q.get('policy') } : {}),
          },
          deps.config,
        ),
      );
      const submission = readSubmission(new Uint8Array(body), { missingFields: 'add' });
      enqueued = await protectAndEnqueue(
        queue,
        {
          from: submission.from,
          to: submission.to,
          cc: submission.cc,
          bcc: submission.bcc,
          mime: submission.mime,
        },
        policy,
        deps.setup,
        options,
      );
    }
    sendJson(res, enqueued.created ? 202 : 200, {
      id: enqueued.id,
      state: enqueued.state,
      ...(enqueued.jobs.length > 1 ? { jobs: enqueued.jobs } : {}),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://worker.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/healthz' && method === 'GET') return sendJson(res, 200, { ok: true });
    if (path === '/dashboard.css' && method === 'GET') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8' });
      res.end(DASHBOARD_CSS);
      return;
    }
    if (path === '/login' && method === 'POST') {
      const form = new URLSearchParams((await readBody(req, 4096)).toString('utf8'));
      if (!token.matches(form.get('token') ?? undefined))
        return sendHtml(res, 401, loginPage(true));
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        location: '/',
        // HttpOnly + SameSite=Strict: no script reads it and no other site sends it; it only opens
        // the read-only dashboard (the API wants the bearer header).
        'set-cookie': `${COOKIE}=${token.sessionValue}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end();
      return;
    }
    if (path === '/' && method === 'GET') {
      if (!dashboardSession(req)) return sendHtml(res, 401, loginPage(false));
      const [counts, jobs] = await Promise.all([queue.counts(), queue.list({ limit: 200 })]);
      return sendHtml(res, 200, dashboardPage(counts, jobs));
    }
    if (!authorized(req)) {
      // Not read further: an unauthenticated body is never drained; the connection closes.
      res.setHeader('connection', 'close');
      res.setHeader('www-authenticate', 'Bearer realm="sealpost-worker"');
      throw unauthorized();
    }
    if (path === '/metrics' && method === 'GET') {
      const text = deps.metrics.render(await queue.counts());
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/plain; version=0.0.4' });
      res.end(text);
      return;
    }
    if (path === '/v1/messages' && method === 'POST') return postMessage(req, res, url);
    if (path === '/v1/messages' && method === 'GET') {
      const state = url.searchParams.get('state');
      if (state !== null && !JOB_STATES.includes(state as JobState))
        throw new SealpostError('EREQUEST', `state must be one of ${JOB_STATES.join(', ')}.`);
      const limit = Math.min(
        1000,
        Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100),
      );
      const jobs = await queue.list({ ...(state ? { state: state as JobState } : {}), limit });
      return sendJson(res, 200, { jobs: jobs.map(jobView) });
    }
    const match = /^\/v1\/messages\/([^/]+)(\/resend)?$/.exec(path);
    if (match) {
      const id = decodeURIComponent(match[1]!);
      if (!JOB_ID.test(id)) throw new SealpostError('EJOB_NOT_FOUND', 'No job has that id.');
      if (!match[2] && method === 'GET') {
        const job = await queue.get(id);
        if (!job) throw new SealpostError('EJOB_NOT_FOUND', 'No job has that id.');
        return sendJson(res, 200, jobView(job));
      }
      if (match[2] && method === 'POST') {
        req.resume();
        return sendJson(res, 200, jobView(await queue.resend(id)));
      }
    }
    throw new SealpostError('EREQUEST', `No route for ${method} ${path.slice(0, 80)}.`);
  }

  return createServer((req, res) => {
    route(req, res).catch((err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const { status, body } = errorResponse(err);
      // A refused body is not read further: the connection closes after the answer.
      if (status === 413) res.setHeader('connection', 'close');
      sendJson(res, status, body);
    });
  });
}
