import type { ChalkInstance } from 'chalk';
import type { ReceiverAnswer } from '../model/results.js';

/** A receiver's answer as `< ` lines (as curl -v shows one): status, headers, the start of the body. */
export function answerText(
  status: number | undefined,
  answer: ReceiverAnswer,
  c: ChalkInstance,
  indent = '  ',
): string {
  const lines = [`${indent}< ${status ?? ''}`];
  for (const [name, value] of Object.entries(answer.headers)) lines.push(`${indent}< ${name}: ${value}`);
  if (answer.body !== '') {
    lines.push(`${indent}<`);
    for (const line of answer.body.split('\n')) lines.push(`${indent}< ${line.replace(/\r$/, '')}`);
  }
  if (answer.truncated) lines.push(`${indent}< ... (cut at ${answer.body.length} characters)`);
  return c.dim(lines.join('\n'));
}
