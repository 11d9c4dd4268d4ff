import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { currentKey, type KeyringKey, rotateKeyring } from './keyring.js';

const makePair = () => promisify(generateKeyPair)('rsa', { modulusLength: 2048 });

/** What signing needs of a key: the run's signing config reads these on every request. */
interface SigningKey {
  readonly privateKey: KeyObject;
  readonly keyId: string;
}

/**
 * `fire --rotate-every D`: a compressed month. Every D the key folder gets
 * a new selector and key (written to its keyring, so `dns` and `listen
 * --dns-port` in other processes publish it at once), the old selector
 * stays published for one more period, and every request signed from then
 * on names the new selector. Requests read the key when they are signed,
 * so retries and late deliveries carry the key current at their attempt.
 */
export class KeyRotation implements SigningKey {
  private current: KeyringKey;
  private timer: NodeJS.Timeout | undefined;
  /** Every keyId the run signed with, in order. */
  readonly keyIds: string[];

  constructor(
    private readonly dir: string,
    private readonly everyMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.current = currentKey(dir);
    this.keyIds = [this.current.keyId];
  }

  get privateKey(): KeyObject {
    return this.current.privateKey;
  }

  get keyId(): string {
    return this.current.keyId;
  }

  /** The next pair, made on libuv's thread pool ahead of time: RSA key generation would stall the sends. */
  private next: Promise<{ privateKey: KeyObject; publicKey: KeyObject }> | undefined;

  /** A new selector now (the timer calls this every period). */
  async rotate(): Promise<void> {
    // A machine too slow to make a pair within the period skips a tick rather than rotating twice at once.
    if (this.rotating) return;
    this.rotating = true;
    try {
      const keys = await (this.next ?? makePair());
      this.next = makePair();
      if (!this.timer) return; // stopped while the pair was made
      this.current = rotateKeyring(this.dir, this.clock(), this.everyMs, keys);
      this.keyIds.push(this.current.keyId);
    } finally {
      this.rotating = false;
    }
  }
  private rotating = false;

  start(): void {
    this.next ??= makePair();
    this.timer ??= setInterval(() => void this.rotate(), this.everyMs);
    // A run that ended never waits for its next rotation.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
