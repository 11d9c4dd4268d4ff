import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/cli.js';

const DIR = join(ROOT, 'deploy', 'kubernetes');

/** Every manifest in deploy/kubernetes/, parsed (a YAML error fails the test). */
function manifests(): Array<{ file: string; doc: Record<string, unknown> }> {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
        assert.deepEqual(d.errors, [], file);
        return { file, doc: d.toJS() as Record<string, unknown> };
      }),
    );
}

/** The Kubernetes models (kubernetes-models, generated from the API's OpenAPI schemas) for what we ship. */
const MODELS: Record<string, (doc: Record<string, unknown>) => { validate(): void }> = {
  'batch/v1 Job': (doc) => new Job(doc as never),
  'v1 PersistentVolumeClaim': (doc) => new PersistentVolumeClaim(doc as never),
};

test('every manifest in deploy/kubernetes is valid against the Kubernetes schema', () => {
  const all = manifests();
  assert.ok(all.length >= 3);
  for (const { file, doc } of all) {
    const model = MODELS[`${doc['apiVersion']} ${doc['kind']}`];
    assert.ok(model, `${file}: ${doc['apiVersion']} ${doc['kind']} has no model in this test`);
    assert.doesNotThrow(() => model(doc).validate(), `${file}`);
  }
});

test('the validation does catch a broken manifest', () => {
  const job = manifests().find((m) => m.file === 'fire-job.yaml')!.doc as { spec: Record<string, unknown> };
  assert.throws(() => new Job({ ...job, spec: { ...job.spec, completions: 'four' } } as never).validate());
  assert.throws(() => new Job({ ...job, spec: { ...job.spec, template: undefined } } as never).validate());
});

interface Container {
  args?: string[];
  command?: string[];
  env?: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface JobDoc {
  spec: {
    completionMode?: string;
    completions: number;
    parallelism?: number;
    backoffLimit: number;
    template: {
      spec: {
        securityContext: { runAsNonRoot: boolean };
        containers: Container[];
        volumes: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
      };
    };
  };
}

test('the fire Job is one shard per index, N alike everywhere, reports on the shared volume', () => {
  const all = manifests();
  const fire = all.find((m) => m.file === 'fire-job.yaml')!.doc as unknown as JobDoc;
  const merge = all.find((m) => m.file === 'merge-job.yaml')!.doc as unknown as JobDoc;
  const { spec } = fire;
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(spec.parallelism, spec.completions);
  assert.equal(spec.backoffLimit, 0, 'a failed shard is not rerun (its calls would go twice)');
  const [c] = spec.template.spec.containers as [Container];
  const args = c.args!;
  assert.equal(args[0], 'fire');
  assert.equal(args[args.indexOf('--shard') + 1], `$(JOB_COMPLETION_INDEX)/${spec.completions}`);
  assert.ok(args.includes('--seed'), 'every shard generates the same run');
  const index = c.env!.find((e) => e.name === 'JOB_COMPLETION_INDEX');
  assert.equal(
    index?.valueFrom?.fieldRef?.fieldPath,
    "metadata.annotations['batch.kubernetes.io/job-completion-index']",
  );
  const out = args[args.indexOf('--out') + 1]!;
  const reports = c.volumeMounts.find((v) => out.startsWith(`${v.mountPath}/`))!;
  const claim = (job: JobDoc, name: string) =>
    job.spec.template.spec.volumes.find((v) => v.name === name)?.persistentVolumeClaim?.claimName;
  const [m] = merge.spec.template.spec.containers as [Container];
  const mergeReports = m.volumeMounts.find((v) => v.name === 'reports')!;
  assert.equal(claim(merge, 'reports'), claim(fire, reports.name), 'merge reads the volume the shards write');
  assert.match(m.command!.join(' '), new RegExp(`merge ${mergeReports.mountPath}/report-\\*\\.json`));
  for (const job of [fire, merge]) assert.equal(job.spec.template.spec.securityContext.runAsNonRoot, true);
});

test('the image: node:20-slim, production dependencies only, a non-root user', () => {
  const lines = readFileSync(join(DIR, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));
  const from = lines.filter((l) => l.startsWith('FROM '));
  assert.ok(
    from.every((l) => /^FROM node:20-slim\b/.test(l)),
    from.join('; '),
  );
  const final = lines.slice(lines.lastIndexOf(from.at(-1)!));
  assert.ok(final.some((l) => /RUN npm ci --omit=dev\b/.test(l)));
  const user = final.filter((l) => l.startsWith('USER ')).at(-1);
  assert.ok(user && !/\b(root|0)\b/.test(user), `USER: ${user}`);
  assert.ok(final.some((l) => l.includes('bin/smtpeter-sim.js')));
});
