import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../model/events.js';
import { hostPort } from '../../model/host-port.js';
import { createRng, deriveSeed } from '../../random/rng.js';
import { ApiError, Refused } from '../errors.js';
import { type ComposeFields, composeMessage, resolveAttachments } from '../message/compose.js';
import { draftSender } from '../message/draft.js';
import { field, parseEntity } from '../message/entity.js';
import type { ServeStore } from '../store/store.js';
import { personalise } from '../templates/personalise.js';
import { clickOf } from '../tracking/click-url.js';
import type { StoredMessage, Submission } from '../types.js';
import { parseRequestBody } from './body.js';
import { eventsRoute } from './events-route.js';
import { json, readRequest, text } from './http.js';
import { findMessage, MESSAGE_METHODS, messageRoute } from './message-route.js';
import { parseSendRequest, type SendRequest } from './send-request.js';
import {
  createTemplate,
  deleteTemplate,
  replaceTemplate,
  templateFields,
  templateRoute,
} from './template-route.js';
import { trackingRoute } from './tracking-route.js';
import type { WebhookConfig } from './webhooks.js';

/** The methods besides those about one message (MESSAGE_METHODS); the POST-only ones say so to a GET. */
const POST_ONLY: ReadonlySet<string> = new Set(['send', 'resend', 'webhook', 'feedbackloop']);
const OTHER_METHODS: ReadonlySet<string> = new Set([
  ...POST_ONLY,
  'template',
  'templates',
  'webhooks',
  'feedbackloops',
  'events',
]);

export interface RestOptions {
  host: string;
  port: number;
  token: string;
  maxSize: number;
  store: ServeStore;
  accept: (sub: Submission) => Promise<StoredMessage[]>;
  /** A real click or open happened: record it and schedule its call now. */
  happened: (m: StoredMessage, event: WebhookEvent) => void;
  webhooks: WebhookConfig;
  /** GET / and /api/...: the page. True when handled. */
  page: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  now?: () => number;
  /** Template and personalised sends' Message-IDs and boundaries come from it, as drafts' do. */
  seed?: number;
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The address in a From field, '' when none (the message is refused later, saying why). */
function fromAddress(mime: string): string {
  try {
    const from = field(parseEntity(mime.replace(/\r?\n/g, '\r\n')), 'From') ?? '';
    return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  } catch {
    return '';
  }
}

/** The answer SMTPeter gives to a send: message id → recipient. */
const idMap = (messages: StoredMessage[]): Record<string, string> =>
  Object.fromEntries(messages.map((m) => [m.id, m.recipient]));

/** The /v1 API: access_token checked, then one method. */
class Api {
  constructor(
    private readonly o: RestOptions,
    private readonly now: () => number,
  ) {}

  private async accept(sub: Submission): Promise<StoredMessage[]> {
    try {
      return await this.o.accept(sub);
    } catch (err) {
      throw err instanceof Refused ? new ApiError(400, err.message) : err;
    }
  }

  private async body(req: IncomingMessage, limit = this.o.maxSize): Promise<Record<string, unknown>> {
    return parseRequestBody(req.headers['content-type'], await readRequest(req, limit));
  }

  /**
   * A send's message: `mime` as given, or the fields to build it from with
   * nodemailer's composer (composed when something first needs the MIME: a
   * delivery call does not); templates and personalised sends are composed
   * now, one message per recipient, each with its own data filled in.
   */
  private async content(
    request: SendRequest,
    at: number,
  ): Promise<Pick<Submission, 'mime' | 'draft' | 'personal' | 'options'>> {
    const { content, recipients } = request;
    if ('mime' in content) return { mime: content.mime, options: request.options };
    if (!request.personal && !('template' in content))
      return {
        draft: { fields: await resolveAttachments(content.compose, this.o.maxSize) },
        options: request.options,
      };
    const named =
      'template' in content
        ? templateFields(this.o.store, content.template, content.overrides)
        : { fields: content.compose };
    // URL attachments fetched once for every recipient, within --max-size.
    const made = { ...named, fields: await resolveAttachments(named.fields, this.o.maxSize) };
    const options =
      made.templateid !== undefined ? { ...request.options, templateid: made.templateid } : request.options;
    // Seeded by the messages stored so far and the recipient's place, so `--seed` repeats these too.
    const first = this.o.store.count();
    const compose = (f: ComposeFields, i: number): Promise<string> => {
      const rng = createRng(deriveSeed((this.o.seed ?? 0) ^ 0x7e, first + i));
      return composeMessage(f, `<${rng.hex(24)}@simulator.smtpeter.test>`, new Date(at), rng.hex(16));
    };
    const { common, own } = request.personal ?? { common: {}, own: {} };
    const mimes = await Promise.all(
      recipients.map((r, i) => compose(personalise(made.fields, { ...common, ...own[r] }), i)),
    );
    return {
      mime: mimes[0]!,
      personal: Object.fromEntries(recipients.map((r, i) => [r, mimes[i]!])),
      options,
    };
  }

  /** POST /v1/send: JSON or form; the answer maps each recipient's message id to the recipient. */
  private async send(req: IncomingMessage): Promise<Record<string, string>> {
    const request = parseSendRequest(await this.body(req));
    const made = await this.content(request, this.now());
    const envelope =
      request.envelope ?? (made.draft ? draftSender(made.draft.fields) : fromAddress(made.mime ?? ''));
    return idMap(await this.accept({ envelope, recipients: request.recipients, ...made, via: 'rest' }));
  }

  /** POST /v1/resend {"message": ID}: the message as submitted, to the same recipient, under a new id. */
  private async resend(req: IncomingMessage): Promise<Record<string, string>> {
    const id = (await this.body(req, 65536))['message'];
    if (typeof id !== 'string') throw new ApiError(400, 'message: give the id of the message to send again');
    const m = findMessage(this.o.store, id);
    return idMap(
      await this.accept({ ...m.submitted, recipients: [m.recipient], options: m.options, via: m.via }),
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!sameToken(url.searchParams.get('access_token'), this.o.token))
      throw new ApiError(401, 'invalid or missing access_token');
    const [method, arg, ...rest] = url.pathname
      .split('/')
      .slice(2)
      .map((part) => pathPart(part, url));
    const verb = req.method ?? 'GET';
    const bare = arg === undefined || arg === '';
    if (verb === 'POST' && bare && method === 'send') return json(res, 200, await this.send(req));
    if (verb === 'POST' && bare && method === 'resend') return json(res, 200, await this.resend(req));
    if (verb === 'POST' && bare && method === 'template')
      return json(res, 200, createTemplate(this.o.store, await this.body(req), this.now()));
    if (verb === 'PUT' && !bare && method === 'template')
      return json(res, 200, replaceTemplate(this.o.store, arg, await this.body(req)));
    if (verb === 'DELETE' && !bare && method === 'template')
      return json(res, 200, deleteTemplate(this.o.store, arg));
    if (verb === 'POST' && bare && (method === 'webhook' || method === 'feedbackloop'))
      return json(res, 200, await this.o.webhooks.configure(await this.body(req, 65536)));
    if (verb === 'GET' && bare && (method === 'webhooks' || method === 'feedbackloops'))
      return json(res, 200, this.o.webhooks.list());
    if (!method) throw new ApiError(404, 'no method: try /v1/send, /v1/events/messageid/ID, ...');
    // A name that is no method at all is 404 (a typo), a method asked with the wrong verb 405.
    const known = MESSAGE_METHODS.has(method) || OTHER_METHODS.has(method);
    const postOnly = verb === 'GET' && POST_ONLY.has(method);
    if (verb !== 'GET' || !known || postOnly)
      throw new ApiError(
        known ? 405 : 404,
        `${verb} /v1/${method} is not an API method here${postOnly ? `: ${method} takes POST` : ''}`,
      );
    if (method === 'template' || method === 'templates')
      return json(res, 200, templateRoute(this.o.store, method, arg));
    if (method === 'events') return json(res, 200, eventsRoute(this.o.store, arg, rest[0], url, this.now()));
    if (bare) throw new ApiError(404, `${method}: give a message id, /v1/${method}/ID`);
    return messageRoute(res, method, findMessage(this.o.store, arg), rest);
  }
}

/** One segment of a /v1 path, percent-decoded; broken encoding (`%E0`) is the client's error. */
function pathPart(part: string, url: URL): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ApiError(400, `path: '${url.pathname}' is not valid percent-encoding`);
  }
}

/**
 * The URL a request names. A path is read as a path, `//x/y` included (a
 * tracked link keeps its original's path, whatever it is; resolved against a
 * base, it would name host x). A Host that makes no URL is the client's
 * error: 400, not a crash.
 */
function requestUrl(target: string, host: string): URL {
  // A host name or address and a port, nothing else: `?`, `#` or `/` in it would move the path.
  if (!HOST.test(host)) throw new ApiError(400, 'bad request: the Host header is not a host[:port]');
  try {
    return target.startsWith('/') ? new URL(`http://${host}${target}`) : new URL(target, `http://${host}`);
  } catch {
    throw new ApiError(400, 'bad request: the Host header and the request target make no URL');
  }
}

/** RFC 7230's Host: a name or IPv4 address, or an IPv6 literal in brackets, and an optional port. */
const HOST = /^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::\d{0,5})?$/;

/**
 * SMTPeter's REST API under /v1 (access_token in the query), the tracking
 * URLs its messages point to, and the page. Every error is a status and one
 * line of text, never a stack; the server goes on.
 */
export async function startRestFront(o: RestOptions): Promise<{ port: number; close(): Promise<void> }> {
  const now = o.now ?? Date.now;
  const api = new Api(o, now);
  const server = createServer((req, res) => {
    const fail = (err: unknown): void => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof ApiError) text(res, err.status, `${err.message}\n`);
      else text(res, 500, 'internal error\n');
    };
    try {
      // HTTP/1.0 may send no Host: serve's own address.
      const url = requestUrl(req.url ?? '/', req.headers.host ?? hostPort(o.host, o.port));
      // A click keeps its link's path, which may be anything, /v1/ too: its identifier decides.
      if ((url.pathname.startsWith('/v1/') || url.pathname === '/v1') && !clickOf(url))
        return void api.handle(req, res, url).catch(fail);
      if (
        req.method === 'GET' &&
        (trackingRoute(req, res, url, o.store, o.happened, now()) || o.page(req, res, url))
      )
        return;
      text(res, 404, 'not found: the API is under /v1/\n');
    } catch (err) {
      fail(err);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
