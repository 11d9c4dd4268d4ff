import { createCheckContext } from '../check/build.js';
import { CHECKS } from '../check/checks.js';
import { runChecks, score } from '../check/run.js';
import { type CheckFlags, planCheck } from '../plan/check-plan.js';
import { ANSWER_BYTES } from '../plan/fire-plan.js';
import { checkHeader, checkJson, checkLines, checkSummary } from '../report/check-report.js';
import { colourFor } from '../report/colour.js';
import { HttpClient } from '../transport/http.js';
import { type CliIO, PROCESS_IO } from './io.js';
import { loadSettings } from './settings.js';

/** Exit code: 0 every required check passed, 1 otherwise. UsageErrors propagate (exit 2). */
export async function checkCommand(flags: CheckFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const out = io.stdout;
  const c = colourFor(out);
  const plan = planCheck(flags, await loadSettings(flags, { publicKey: flags.publicKey }));
  const { url, dialect, format, signing, extraHeaders } = plan;
  const info = { url: url.href, dialect, format, copernicaId: signing.copernicaId, keyId: signing.keyId };
  if (!plan.json) {
    if (plan.notice) io.stderr.write(`${plan.notice}\n`);
    out.write(`${checkHeader(info, c)}\n\n`);
  }
  // A failed check shows the receiver's answer: a handful of requests, so every answer is kept.
  const http = new HttpClient({ connections: 2, ...plan.transport, keepAnswer: ANSWER_BYTES });
  try {
    const ctx = createCheckContext({
      url,
      signing,
      format,
      dialect,
      ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
    });
    const results = await runChecks(
      CHECKS,
      ctx,
      (req) => http.post(req.url, req.headers, req.body),
      (r) => {
        if (!plan.json) out.write(`${checkLines(r, c)}\n`);
      },
    );
    const s = score(results);
    if (plan.json) out.write(`${JSON.stringify(checkJson(info, s, results), null, 2)}\n`);
    else out.write(`\n${checkSummary(s, c)}\n`);
    return s.ok ? 0 : 1;
  } finally {
    await http.close();
  }
}
