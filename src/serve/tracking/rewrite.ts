import type { RewritingStream } from 'parse5-html-rewriting-stream';

/** Run `html` through a rewriting stream whose handlers are set, and give back what it wrote. */
export async function rewrite(rw: RewritingStream, html: string): Promise<string> {
  const out: string[] = [];
  rw.setEncoding('utf8');
  rw.on('data', (chunk: string) => out.push(chunk));
  await new Promise<void>((resolve, reject) => {
    rw.on('end', resolve);
    rw.on('error', reject);
    rw.end(html);
  });
  return out.join('');
}
