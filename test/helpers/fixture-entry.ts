/** A fixture file's failure call, every required field set (`patch` changes or adds fields). */
export function failureEntry(id: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'failure',
    id,
    recipient: 'els@example.nl',
    action: 'failed',
    state: 'rcptto',
    code: '550',
    extended: '5.1.1',
    description: 'user unknown',
    ...patch,
  };
}
