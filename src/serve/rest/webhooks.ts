import { randomBytes } from 'node:crypto';
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
  constructor(
    readonly targets: Targets,
    private readonly verify: boolean,
  ) {}

  list(): { type: CallType; url: string | null }[] {
    return CALL_TYPES.map((type) => ({
      type,
      url: (this.targets[KIND_URL[type]] ?? this.targets.url)?.href ?? null,
    }));
  }

  /**
   * `{"type": "bounce", "url": "http://127.0.0.1:8025/hook.php"}` (or `kind`).
   * Before the URL is used, SMTPeter fetches a verification file next to the
   * script; here that is `smtpeter-<random>.txt` beside it, which must answer 2xx.
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
    let verified: string | false = false;
    if (this.verify) {
      const file = new URL(`smtpeter-${randomBytes(5).toString('hex')}.txt`, url);
      let status: number;
      try {
        status = (await fetch(file, { signal: AbortSignal.timeout(5000), redirect: 'manual' })).status;
      } catch (err) {
        throw new ApiError(
          400,
          `url: verification file ${file.href} could not be fetched (${(err as Error).message})`,
        );
      }
      if (status < 200 || status > 299)
        throw new ApiError(
          400,
          `url: verification file ${file.href} answered ${status}; place it next to the script (or start serve with --no-verify-webhooks)`,
        );
      verified = file.href;
    }
    this.targets[KIND_URL[type]] = url;
    return { type, url: url.href, verified };
  }
}
