import { GGML_TYPE_SIZES } from '../../../../inference/src/engine/llamacpp/gguf-format';
import { importEsm } from '../../../../inference/src/engine/llamacpp/esm-import';

type NodeLlamaCpp = typeof import('node-llama-cpp');
interface Bindings {
  getBlockSizeForGgmlType(type: number): number | undefined;
  getTypeSizeForGgmlType(type: number): number | undefined;
}

/**
 * The reader checks tensor sizes with its own table, before llama.cpp sees a file; it must be the
 * table of the llama.cpp node-llama-cpp ships (read here through node-llama-cpp's internals).
 */
test("the ggml type table matches the bundled llama.cpp's block and type sizes", async () => {
  const lib = await importEsm<NodeLlamaCpp>('node-llama-cpp');
  const llama = await lib.getLlama({ gpu: false, build: 'never', skipDownload: true });
  try {
    const bindings = (llama as unknown as { _bindings: Bindings })._bindings;
    const types = Object.values(lib.GgmlType).filter((t): t is number => typeof t === 'number');
    const known: Record<number, { block: number; bytes: number }> = {};
    for (const type of types) {
      const block = bindings.getBlockSizeForGgmlType(type);
      const bytes = bindings.getTypeSizeForGgmlType(type);
      // Removed types report no size (or a zero block); they must not be in our table either.
      if (block && bytes) known[type] = { block, bytes };
    }
    const ours = Object.fromEntries(
      Object.entries(GGML_TYPE_SIZES).map(([type, { block, bytes }]) => [type, { block, bytes }]),
    );
    expect(ours).toEqual(known);
  } finally {
    await llama.dispose();
  }
});
