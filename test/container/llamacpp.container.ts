import OpenAI from 'openai';
import { podman, startContainer, testImage, waitForReady, type Container } from '../helpers/podman';
import { TINY_GGUF_DIR } from '../helpers/model-paths';

// The CPU image serves a GGUF model on llama.cpp's CPU build, and carries no GPU build of it.
let server: Container;

beforeAll(async () => {
  server = await startContainer({
    image: testImage(),
    args: [
      '--read-only',
      '-v',
      `${TINY_GGUF_DIR}:/models/gguf:ro`,
      '-e',
      'MODEL=/models/gguf/tiny-q8_0.gguf',
      '-e',
      'THREADS=1',
    ],
  });
  await waitForReady(server);
});
afterAll(() => server?.remove());

test('a mounted .gguf file is served by llama.cpp (OpenAI client)', async () => {
  const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const models = await openai.models.list();
  expect(models.data[0]).toMatchObject({
    id: 'tiny-q8_0',
    llm_deploy: { engine: 'llamacpp', device: 'cpu', quantization: 'Q8_0' },
  });
  const completion = await openai.completions.create({
    model: 'tiny-q8_0',
    prompt: 'Once upon a time',
    max_tokens: 8,
    seed: 7,
  });
  expect(completion.usage?.completion_tokens).toBe(8);
  expect(completion.choices[0].text.length).toBeGreaterThan(0);
});

test("the image holds llama.cpp's CPU build for its platform only, and no llama.cpp sources", async () => {
  const arch = await podman(['exec', server.id, 'node', '-p', 'process.arch']);
  const packages = await podman(['exec', server.id, 'ls', '/app/node_modules/@node-llama-cpp']);
  expect(packages.split('\n')).toEqual([`linux-${arch}`]);
  const llama = await podman(['exec', server.id, 'ls', '/app/node_modules/node-llama-cpp/llama']);
  expect(llama.split('\n')).not.toContain('gitRelease.bundle');
});
