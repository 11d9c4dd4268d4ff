import { createHmac } from 'node:crypto';
import { CALL_TYPES, type CallType, isCallType } from '../../model/events.js';
import { KIND_URL, type Targets } from '../../run/request.js';
import { ApiError } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The webhook URLs per kind: set from flags at start, changed by POST
 * /v1/webhook. The dispatcher reads the same Targets object at every
 * attempt, so a change applies to every call still to be made.
 */
export class WebhookConfig {
  /** `account`: what the file names are made from (the access token), so they survive a restart. */
  constructor(
    readonly targets: Targets,
    private readonly verify: boolean,
    private readonly account = '',
  ) {}

  /**
   * SMTPeter's verification file: "the name and contents of the text file are
   * unique for each webhook", so both come from the account, type and URL (the
   * same every time: the user can place the file before asking).
   */
  verificationFile(type: CallType, url: URL): { name: string; content: string } {
    const mac = (what: string): string =>
      createHmac('sha256', this.account).update(`${what}\n${type}\n${url.href}`).digest('hex');
    return { name: `smtpeter-${mac('name').slice(0, 10)}.txt`, content: mac('content').slice(0, 32) };
  }

  list(): { type: CallType; url: string | null }[] {
    return CALL_TYPES.map((type) => ({
      type,
      url: (this.targets[KIND_URL[type]] ?? this.targets.url)?.href ?? null,
    }));
  }

  /**
   * `{"type": "bounce", "url": "http://127.0.0.1:8025/hook.php"}` (or `kind`).
   * Before the URL is used, SMTPeter fetches its verification file from the
   * script's folder or the server's root; it must hold exactly the file's content.
   */
  async configure(
    body: Record<string, unknown>,
  ): Promise<{ type: CallType; url: string; verified: string | false }> {
    const type = body['type'] ?? body['kind'];
    if (typeof type !== 'string' || !isCallType(type))
      throw new ApiError(
        400,
        `type: expected one of ${CALL_TYPES.join(', ')}, got ${JSON.stringify(type ?? null)}`,
      );
    if (typeof body['url'] !== 'string') throw new ApiError(400, 'url: missing');
    let url: URL;
    try {
      url = new URL(body['url']);
    } catch {
      throw new ApiError(400, `url: '${body['url']}' is not a URL`);
    }
    if (!/^https?:$/.test(url.protocol))
      throw new ApiError(400, `url: expected http or https, got '${url.protocol}'`);
    if (!LOOPBACK.has(url.hostname))
      throw new ApiError(
        400,
        `url: a local SMTPeter calls loopback receivers only (127.0.0.1, localhost), not '${url.hostname}'`,
      );
    const verified = this.verify ? await this.fetchVerification(type, url) : false;
    this.targets[KIND_URL[type]] = url;
    return { type, url: url.href, verified };
  }

  /** Where the file was found (the script's folder first, then the root), or an ApiError saying how to place it. */
  private async fetchVerification(type: CallType, url: URL): Promise<string> {
    const { name, content } = this.verificationFile(type, url);
    const places = [new URL(name, url), new URL(`/${name}`, url)].filter(
      (u, i, all) => all.findIndex((o) => o.href === u.href) === i,
    );
    const found: string[] = [];
    for (const place of places) {
      try {
        const res = await fetch(place, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
        const body = (await res.text()).trim();
        if (res.ok && body === content) return place.href;
        found.push(res.ok ? `${place.href} holds other content` : `${place.href} answered ${res.status}`);
      } catch (err) {
        found.push(`${place.href} could not be fetched (${(err as Error).message})`);
      }
    }
    throw new ApiError(
      400,
      `url: verification file not found: ${found.join(', ')}; place a file ${name} holding ${content} (this ${type} URL's own, the same on every call) in the script's folder or the server's root, then repeat this call (or start serve with --no-verify-webhooks)`,
    );
  }
}
