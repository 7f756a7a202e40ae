import { onnx } from 'onnx-proto';

/** Integers are INT attributes; floats must be wrapped (`{ float: 1 }`) so 1.0 stays a float. */
type Attribute = number | number[] | string | { float: number };
export type Dim = number | string;

/** A tensor whose bytes go into the graph, or into an external data file when one is given. */
interface Initializer {
  name: string;
  dims: number[];
  dataType: onnx.TensorProto.DataType;
  bytes: Uint8Array;
}

/** Accumulates nodes, initializers and graph inputs/outputs; hands out unique value names. */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private counter = 0;

  input(name: string, elemType: onnx.TensorProto.DataType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: onnx.TensorProto.DataType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  float(name: string, dims: number[], values: Float32Array | number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      bytes: bytesOf(data),
    });
    return name;
  }

  int64(name: string, dims: number[], values: number[]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.INT64,
      bytes: bytesOf(data),
    });
    return name;
  }

  /** Adds a node; returns its output names (`outputs` fixes them, else fresh ones are made). */
  node(
    opType: string,
    inputs: string[],
    attributes: Record<string, Attribute> = {},
    outputs?: string[] | number,
  ): string[] {
    const names = Array.isArray(outputs)
      ? outputs
      : Array.from({ length: outputs ?? 1 }, () => `${opType.toLowerCase()}_${this.counter++}`);
    this.nodes.push({
      opType,
      input: inputs,
      output: names,
      name: `${opType}_${this.counter++}`,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return names;
  }

  /** One-output node shorthand. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}): string {
    return this.node(opType, inputs, attributes)[0];
  }

  /**
   * Serialises the model. With `externalDataFile`, initializers of 1 KiB or more are written to
   * `sink` (4 KiB-aligned so ONNX Runtime can map them) and referenced by offset.
   */
  toModel(externalDataFile?: { name: string; sink: (bytes: Uint8Array) => void }): Uint8Array {
    let offset = 0;
    const initializer = this.initializers.map((init): onnx.ITensorProto => {
      const tensor: onnx.ITensorProto = {
        name: init.name,
        dims: init.dims,
        dataType: init.dataType,
      };
      if (!externalDataFile || init.bytes.byteLength < 1024)
        return { ...tensor, rawData: init.bytes };
      const padding = (4096 - (offset % 4096)) % 4096;
      if (padding > 0) externalDataFile.sink(new Uint8Array(padding));
      offset += padding;
      externalDataFile.sink(init.bytes);
      const entry = {
        ...tensor,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: externalDataFile.name },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(init.bytes.byteLength) },
        ],
      };
      offset += init.bytes.byteLength;
      return entry;
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'llm-deploy model builder',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'gpt2',
        node: this.nodes,
        initializer,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function valueInfo(
  name: string,
  elemType: onnx.TensorProto.DataType,
  dims: Dim[],
): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function attribute(name: string, value: Attribute): onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}
