import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MimeProblem, mapLeaves } from '../../src/serve/message/entity.js';
import { finishHtml } from '../../src/serve/message/outgoing.js';
import { trackHtml } from '../../src/serve/tracking/links.js';
import { parseMime } from '../helpers/mime.js';

const opts = {
  clicks: true,
  opens: true,
  preventscam: false,
  clickUrl: (n: number) => `http://127.0.0.1:1/c/ID/${n}`,
  pixelUrl: 'http://127.0.0.1:1/o/ID.gif',
};

describe('tracking', () => {
  test('links rewritten with an HTML rewriter; every other byte as it came; the pixel before </body>', async () => {
    const html =
      '<!DOCTYPE html><html><body><p class=x>Hi &amp; welcome <A HREF="https://shop.example/a?x=1&amp;y=2">shop</A>, <a href=mailto:x@y.z>mail</a> <a href="#top">top</a></p><!-- <a href="https://no.example"> --><script>var s = "<a href=\'https://no.example\'>";</script></body></html>';
    const out = await trackHtml(html, opts);
    assert.deepEqual(out.links, ['https://shop.example/a?x=1&y=2']);
    assert.equal(
      out.html,
      '<!DOCTYPE html><html><body><p class=x>Hi &amp; welcome <a href="http://127.0.0.1:1/c/ID/0">shop</A>, <a href=mailto:x@y.z>mail</a> <a href="#top">top</a></p><!-- <a href="https://no.example"> --><script>var s = "<a href=\'https://no.example\'>";</script><img src="http://127.0.0.1:1/o/ID.gif" width="1" height="1" alt="" style="display:block;border:0"></body></html>',
    );
  });

  test('preventscam leaves a link whose text is its URL; without </body> the pixel goes last', async () => {
    const out = await trackHtml(
      '<a href="https://a.example/">a.example</a> <a href="https://b.example/x">read</a>',
      {
        ...opts,
        preventscam: true,
      },
    );
    assert.deepEqual(out.links, ['https://b.example/x']);
    assert.match(
      out.html,
      /^<a href="https:\/\/a\.example\/">a\.example<\/a> <a href="http:\/\/127\.0\.0\.1:1\/c\/ID\/0">read<\/a><img /,
    );
  });

  test('a quoted-printable HTML part is decoded, rewritten and re-encoded; the text part untouched', async () => {
    const long = 'é'.repeat(60);
    const qp = `<p>${long} <a href=3D"https://shop.example/very/long/path/that/wraps">go</a></p>`.replace(
      /é/g,
      '=C3=A9',
    );
    const wrapped = qp.match(/.{1,70}/g)!.join('=\r\n');
    const raw =
      'From: a@shop.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n' +
      '--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain https://shop.example/x\r\n' +
      `--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${wrapped}\r\n--b--\r\n`;
    const out = await finishHtml(raw, { inlinecss: false, tracking: { ...opts, opens: false } });
    assert.deepEqual(out.links, ['https://shop.example/very/long/path/that/wraps']);
    const parsed = await parseMime(out.mime);
    assert.equal(parsed.text?.trim(), 'plain https://shop.example/x');
    assert.equal(parsed.html?.trimEnd(), `<p>${long} <a href="http://127.0.0.1:1/c/ID/0">go</a></p>`);
    assert.ok(
      out.mime.split('\r\n').every((l) => l.length <= 76),
      'QP lines stay short',
    );
    assert.ok(out.mime.startsWith('From: a@shop.example\r\nMIME-Version: 1.0\r\n'));
  });

  test('structure problems are found before anything is sent', async () => {
    await assert.rejects(
      mapLeaves(
        'From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nno end\r\n',
        () => undefined,
      ),
      (e: Error) => e instanceof MimeProblem && /multipart not closed/.test(e.message),
    );
  });
});

test('inlinecss moves <style> rules into style attributes before the links are tracked', async () => {
  const raw =
    'From: a@shop.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>p { color: red; } a { font-weight: bold; }</style></head><body><p>Hi <a href="https://shop.example/">shop</a></p></body></html>\r\n';
  const out = await finishHtml(raw, { inlinecss: true, tracking: { ...opts, opens: false } });
  assert.match(
    out.mime,
    /<p style="color: red;">Hi <a href="http:\/\/127\.0\.0\.1:1\/c\/ID\/0" style="font-weight: bold;">shop<\/a><\/p>/,
  );
  assert.doesNotMatch(out.mime, /<style>/);
  const untouched = await finishHtml(raw, { inlinecss: false });
  assert.equal(untouched.mime, raw);
});

describe('hosted images', () => {
  const related = (first: string, second: string): string =>
    [
      'From: a@shop.example',
      'Content-Type: multipart/related; boundary="b"',
      '',
      'preamble',
      '--b',
      first,
      '--b',
      second,
      '--b--',
      'epilogue',
    ].join('\r\n');
  const image =
    'Content-Type: image/gif\r\nContent-ID: <p@x>\r\nContent-Transfer-Encoding: base64\r\n\r\nR0lGODlhAQABAAAAACw=';
  const html = (src: string): string =>
    `Content-Type: text/html\r\n\r\n<img src="${src}" width=1><IMG SRC='cid:other@x'>`;

  test('the named image moves out; delimiters and every other byte stay; an unknown cid is left', async () => {
    // The image first: cutting it must leave the HTML's delimiter in the first delimiter's form.
    const out = await finishHtml(related(image, html('cid:p%40x')), {
      inlinecss: false,
      hostedImageUrl: (cid) => `http://127.0.0.1:1/i/ID/${encodeURIComponent(cid)}`,
    });
    // Only the changed tag is written anew (its attributes quoted), as link tracking writes its tags.
    assert.equal(
      out.mime,
      [
        'From: a@shop.example',
        'Content-Type: multipart/related; boundary="b"',
        '',
        'preamble',
        '--b',
        'Content-Type: text/html',
        '',
        `<img src="http://127.0.0.1:1/i/ID/p%40x" width="1"><IMG SRC='cid:other@x'>`,
        '--b--',
        'epilogue',
      ].join('\r\n'),
    );
    const parsed = await parseMime(out.mime);
    assert.match(
      String(parsed.html),
      /^<img src="http:\/\/127\.0\.0\.1:1\/i\/ID\/p%40x" width="1"><IMG SRC='cid:other@x'>\n?$/,
    );
    assert.equal(parsed.attachments.length, 0);
  });

  test('an HTML that names no embedded image: the message as it came', async () => {
    const mime = related(html('https://cdn.example/x.gif'), image);
    const out = await finishHtml(mime, { inlinecss: false, hostedImageUrl: () => 'http://unused' });
    assert.equal(out.mime, mime);
  });
});
