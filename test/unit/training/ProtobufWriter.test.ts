import { ProtobufWriter } from '../../../src/training/onnx/ProtobufWriter';
import { encodeOnnxModel } from '../../../src/training/onnx/encodeOnnxModel';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ProtobufWriter', () => {
  it.each<[string, (w: ProtobufWriter) => void, string]>([
    ['a varint (the protobuf docs example: field 1 = 150)', (w) => w.varint(1, 150), '089601'],
    ['zero', (w) => w.varint(2, 0), '1000'],
    ['a negative int64 as 10 bytes of two’s complement', (w) => w.varint(3, -1), '18ffffffffffffffffff01'],
    ['a large field number (20)', (w) => w.varint(20, 7), 'a00107'],
    ['a string', (w) => w.string(2, 'testing'), '120774657374696e67'],
    ['a float (1.0, little-endian)', (w) => w.float(2, 1), '150000803f'],
    ['packed varints', (w) => w.packedVarints(4, [3, 270, 86942]), '2206038e029ea705'],
    ['an embedded message', (w) => w.message(3, (m) => m.varint(1, 150)), '1a03089601'],
  ])('encodes %s', (_case, write, expected) => {
    const writer = new ProtobufWriter();
    write(writer);
    expect(hex(writer.finish())).toBe(expected);
  });
});

describe('encodeOnnxModel', () => {
  it('writes ir_version, producer, the graph and opset_import in field order', () => {
    const bytes = encodeOnnxModel({
      opsets: [{ domain: '', version: 13 }],
      producerName: 'p',
      graph: { name: 'g', nodes: [], inputs: [], outputs: [] },
    });
    // 08 08: ir_version 8; 12 01 70: producer_name "p"; 3a 03 12 01 67: graph { name "g" };
    // 42 04 0a 00 10 0d: opset_import { domain "", version 13 }.
    expect(hex(bytes)).toBe('0808120170' + '3a03120167' + '42040a00100d');
  });

  it('writes initializers as dims, data_type, name and little-endian raw_data', () => {
    const bytes = encodeOnnxModel({
      opsets: [],
      producerName: '',
      graph: {
        name: '',
        nodes: [],
        initializers: [{ name: 'w', dims: [2], data: Float32Array.of(1, -2) }],
        inputs: [],
        outputs: [],
      },
    });
    // TensorProto: 0a 01 02 (dims [2]), 10 01 (FLOAT), 42 01 77 ("w"), 4a 08 <1.0f><-2.0f>.
    const tensor = '0a0102' + '1001' + '420177' + '4a08' + '0000803f' + '000000c0';
    expect(hex(bytes)).toContain(`2a${(tensor.length / 2).toString(16)}${tensor}`);
  });
});
