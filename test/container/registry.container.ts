import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podman, testImage } from '../helpers/podman';

// Debian's docker-registry on 127.0.0.1:5000, marked insecure in test/container's registries.conf.
const REGISTRY = '127.0.0.1:5000';
const REPOSITORY = `${REGISTRY}/llm-deploy-test`;
let registry: ChildProcess | undefined;
let scratch: string;

const registryAnswers = () =>
  fetch(`http://${REGISTRY}/v2/`).then(
    (r) => r.ok,
    () => false,
  );

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'registry-test-'));
  if (await registryAnswers()) return; // one is running already (the Debian service, say)
  const dir = process.env.CONTAINER_TEST_DIR;
  if (!dir) throw new Error('CONTAINER_TEST_DIR is not set: run `npm run test:container`');
  const log = openSync(join(scratch, 'registry.log'), 'w');
  registry = spawn('docker-registry', ['serve', join(dir, 'conf', 'registry.yml')], {
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  registry.unref(); // stopped in afterAll; never what keeps the test process alive
  const deadline = Date.now() + 30_000;
  while (!(await registryAnswers())) {
    if (Date.now() > deadline || registry.exitCode !== null) {
      throw new Error(
        `docker-registry did not start:\n${readFileSync(join(scratch, 'registry.log'))}`,
      );
    }
    await new Promise((done) => setTimeout(done, 200));
  }
});

afterAll(async () => {
  const storage = join(scratch, 'storage');
  await podman(['rmi', '--all', '--force'], { storage }).catch(() => '');
  rmSync(scratch, { recursive: true, force: true });
  registry?.kill('SIGTERM');
});

test('pushes to the local registry and pulls back by digest into empty storage', async () => {
  const digestFile = join(scratch, 'digest');
  await podman(['push', '--digestfile', digestFile, testImage(), `docker://${REPOSITORY}:ci`], {
    timeoutMs: 300_000,
  });
  const digest = readFileSync(digestFile, 'utf8').trim();
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

  const storage = join(scratch, 'storage');
  expect(await podman(['images', '--quiet'], { storage })).toBe('');
  const byDigest = `${REPOSITORY}@${digest}`;
  await podman(['pull', '--quiet', byDigest], { storage, timeoutMs: 300_000 });

  const idOf = (image: string, options = {}) =>
    podman(['image', 'inspect', '--format', '{{.Id}}', image], options);
  expect(await idOf(byDigest, { storage })).toBe(await idOf(testImage()));
  const uid = await podman(['run', '--rm', '--read-only', '--entrypoint', 'id', byDigest, '-u'], {
    storage,
  });
  expect(uid).toBe('10001');
});
