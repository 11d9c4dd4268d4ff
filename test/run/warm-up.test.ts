import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { warmUpSendPath } from '../../src/run/warm-up.js';
import { TRANSPORT_KINDS } from '../../src/transport/transport.js';

/**
 * The warm-up runs the run's own load model through the run's transport
 * against a receiver of its own on 127.0.0.1: every call answered, with the
 * calls given now and later (a build pool's promise) both taken.
 */
describe('warmUpSendPath', () => {
  for (const transport of TRANSPORT_KINDS)
    for (const model of ['closed', 'open'] as const)
      test(`${model} model over ${transport}: every warm-up call is sent and answered 2xx`, async () => {
        const ok = await warmUpSendPath(
          { format: 'form', dialect: 'smtpeter' },
          undefined,
          transport,
          model,
          300,
          30_000,
        );
        assert.equal(ok, 300);
      });
});
