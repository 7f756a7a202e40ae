import type { RunningServer } from '../../../../inference/src/server';
import { TINY_GGUF } from '../../../helpers/model-paths';
import { startTestServer } from '../../../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  // No ENGINE: a .gguf file is llama.cpp's.
  server = await startTestServer({
    ENGINE: '',
    MODEL: TINY_GGUF,
    SERVED_MODEL_NAME: '',
    THREADS: '1',
  });
});
afterAll(() => server?.close());

test('a .gguf MODEL is served by llama.cpp, named after the file, its quantization reported', async () => {
  expect(server.lifecycle.setup.logs).toMatch(
    /^loaded .*tiny-f32\.gguf \(llamacpp, cpu\/F32\) in /,
  );
  const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: unknown[] };
  expect(models.data).toEqual([
    expect.objectContaining({
      id: 'tiny-f32',
      max_model_len: 512,
      llm_deploy: { engine: 'llamacpp', device: 'cpu', dtype: 'fp32', quantization: 'F32' },
    }),
  ]);
  const metrics = await (await fetch(`${server.metricsUrl}/metrics`)).text();
  expect(metrics).toMatch(/llm_build_info\{[^}]*engine="llamacpp"[^}]*\} 1/);
});
