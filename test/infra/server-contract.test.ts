import { SERVER_DEFAULT_MAX_CONCURRENT } from '../../infra/manifests/constants';
import { loadConfig } from '../../inference/src/config';

test("infra's idea of the server's default concurrency is the server's", () => {
  expect(SERVER_DEFAULT_MAX_CONCURRENT).toBe(loadConfig({}).limits.maxConcurrent);
});
