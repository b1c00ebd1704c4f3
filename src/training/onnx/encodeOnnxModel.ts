import { ProtobufWriter } from './ProtobufWriter';

/** Element types this encoder writes, with their onnx.TensorProto.DataType numbers. */
const dataTypes = { float32: 1, uint8: 2, int32: 6, int64: 7, string: 8, bool: 9, float64: 11 } as const;
export type OnnxElementType = keyof typeof dataTypes;

/** A value's type: a tensor with an optional shape (numbers fixed, strings symbolic), a sequence or a map. */
export type OnnxType =
  | { readonly tensor: OnnxElementType; readonly shape?: readonly (number | string)[] }
  | { readonly sequence: OnnxType }
  | { readonly map: { readonly key: OnnxElementType; readonly value: OnnxType } };

export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxType;
}

/** A constant tensor (initializer), written as little-endian raw_data. */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array;
}

export type OnnxAttribute = { readonly name: string } & (
  | { readonly int: number }
  | { readonly float: number }
  | { readonly string: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] }
);

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: readonly OnnxAttribute[];
}

export interface OnnxModelSpec {
  /** ONNX IR version; 8 is read by every onnxruntime since 1.10. */
  readonly irVersion?: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly graph: {
    readonly name: string;
    readonly nodes: readonly OnnxNode[];
    readonly initializers?: readonly OnnxTensor[];
    readonly inputs: readonly OnnxValueInfo[];
    readonly outputs: readonly OnnxValueInfo[];
  };
}

/**
 * Encodes an onnx.ModelProto (onnx/onnx.proto3). Fields written, by message:
 * ModelProto: 1 ir_version, 2 producer_name, 3 producer_version, 6 doc_string, 7 graph, 8 opset_import,
 * 14 metadata_props (1 key, 2 value). OperatorSetIdProto: 1 domain, 2 version. GraphProto: 1 node,
 * 2 name, 5 initializer, 11 input, 12 output. NodeProto: 1 input, 2 output, 3 name, 4 op_type, 5 attribute,
 * 7 domain. AttributeProto: 1 name, 2 f, 3 i, 4 s, 7 floats, 8 ints, 9 strings, 20 type.
 * TensorProto: 1 dims, 2 data_type, 8 name, 9 raw_data. ValueInfoProto: 1 name, 2 type. TypeProto:
 * 1 tensor_type (1 elem_type, 2 shape), 4 sequence_type (1 elem_type), 5 map_type (1 key_type,
 * 2 value_type). TensorShapeProto: 1 dim (1 dim_value, 2 dim_param).
 */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const model = new ProtobufWriter().varint(1, spec.irVersion ?? 8).string(2, spec.producerName);
  if (spec.producerVersion !== undefined) model.string(3, spec.producerVersion);
  if (spec.docString !== undefined) model.string(6, spec.docString);
  model.message(7, (graph) => writeGraph(graph, spec.graph));
  for (const opset of spec.opsets) {
    model.message(8, (w) => w.string(1, opset.domain).varint(2, opset.version));
  }
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    model.message(14, (w) => w.string(1, key).string(2, value));
  }
  return model.finish();
}

function writeGraph(graph: ProtobufWriter, spec: OnnxModelSpec['graph']): void {
  for (const node of spec.nodes) graph.message(1, (w) => writeNode(w, node));
  graph.string(2, spec.name);
  for (const tensor of spec.initializers ?? []) graph.message(5, (w) => writeTensor(w, tensor));
  for (const input of spec.inputs) graph.message(11, (w) => writeValueInfo(w, input));
  for (const output of spec.outputs) graph.message(12, (w) => writeValueInfo(w, output));
}

function writeNode(node: ProtobufWriter, spec: OnnxNode): void {
  for (const input of spec.inputs) node.string(1, input);
  for (const output of spec.outputs) node.string(2, output);
  if (spec.name !== undefined) node.string(3, spec.name);
  node.string(4, spec.opType);
  for (const attribute of spec.attributes ?? []) node.message(5, (w) => writeAttribute(w, attribute));
  if (spec.domain !== undefined) node.string(7, spec.domain);
}

function writeAttribute(w: ProtobufWriter, attribute: OnnxAttribute): void {
  // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, STRINGS 8.
  w.string(1, attribute.name);
  if ('float' in attribute) w.float(2, attribute.float).varint(20, 1);
  else if ('int' in attribute) w.varint(3, attribute.int).varint(20, 2);
  else if ('string' in attribute) w.string(4, attribute.string).varint(20, 3);
  else if ('floats' in attribute) {
    for (const value of attribute.floats) w.float(7, value);
    w.varint(20, 6);
  } else if ('ints' in attribute) w.packedVarints(8, attribute.ints).varint(20, 7);
  else {
    for (const value of attribute.strings) w.string(9, value);
    w.varint(20, 8);
  }
}

function writeTensor(w: ProtobufWriter, tensor: OnnxTensor): void {
  w.packedVarints(1, tensor.dims).varint(2, dataTypes[elementTypeOf(tensor.data)]).string(8, tensor.name);
  w.bytes(9, littleEndianBytes(tensor.data));
}

function writeValueInfo(w: ProtobufWriter, info: OnnxValueInfo): void {
  w.string(1, info.name).message(2, (type) => writeType(type, info.type));
}

function writeType(w: ProtobufWriter, type: OnnxType): void {
  if ('tensor' in type) {
    w.message(1, (tensor) => {
      tensor.varint(1, dataTypes[type.tensor]);
      const shape = type.shape;
      if (shape === undefined) return;
      tensor.message(2, (s) => {
        for (const dim of shape) {
          s.message(1, (d) => (typeof dim === 'number' ? d.varint(1, dim) : d.string(2, dim)));
        }
      });
    });
  } else if ('sequence' in type) {
    w.message(4, (sequence) => sequence.message(1, (elem) => writeType(elem, type.sequence)));
  } else {
    w.message(5, (map) =>
      map.varint(1, dataTypes[type.map.key]).message(2, (v) => writeType(v, type.map.value)),
    );
  }
}

function elementTypeOf(data: OnnxTensor['data']): 'float32' | 'float64' | 'int32' | 'int64' {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

/** raw_data is little-endian whatever the host's byte order. */
function littleEndianBytes(data: OnnxTensor['data']): Uint8Array {
  const bytes = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i] ?? 0, true);
    else if (data instanceof Float64Array) view.setFloat64(i * 8, data[i] ?? 0, true);
    else if (data instanceof Int32Array) view.setInt32(i * 4, data[i] ?? 0, true);
    else view.setBigInt64(i * 8, data[i] ?? 0n, true);
  }
  return bytes;
}
