import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** A bare SMTP client for protocol tests: one command, one complete reply (multi-line joined). */
export class SmtpClient {
  private buffer = '';
  private waiting: ((reply: string) => void) | undefined;
  private constructor(private socket: Socket) {
    this.listen();
  }

  private listen(): void {
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.flush();
    });
  }

  private flush(): void {
    // A reply ends with a line "NNN text" (no dash after the code).
    const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer);
    if (!m || !this.waiting) return;
    const end = m.index + m[0].length;
    const reply = this.buffer.slice(0, end).replace(/^\r\n/, '');
    this.buffer = this.buffer.slice(end);
    const w = this.waiting;
    this.waiting = undefined;
    w(reply.trimEnd());
  }

  private reply(): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.flush();
    });
  }

  /** Connect, read the greeting, EHLO; with `tls`, STARTTLS and EHLO again. */
  static async open(port: number, tls = true): Promise<SmtpClient> {
    const socket = netConnect(port, '127.0.0.1');
    const c = new SmtpClient(socket);
    await c.reply();
    await c.command('EHLO client.test');
    if (tls) {
      await c.command('STARTTLS');
      socket.removeAllListeners('data');
      c.socket = tlsConnect({ socket, rejectUnauthorized: false });
      c.buffer = '';
      c.listen();
      await new Promise((r) => c.socket.once('secureConnect', r));
      await c.command('EHLO client.test');
    }
    return c;
  }

  command(line: string): Promise<string> {
    const r = this.reply();
    this.socket.write(`${line}\r\n`);
    return r;
  }

  /** Send raw bytes (a message body); the reply to the final dot. */
  data(raw: string): Promise<string> {
    const r = this.reply();
    this.socket.write(raw);
    return r;
  }

  write(raw: string): void {
    this.socket.write(raw);
  }

  close(): void {
    this.socket.destroy();
  }
}
