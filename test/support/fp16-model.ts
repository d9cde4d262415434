/**
 * An FP16-I/O variant of a YOLOv5 ONNX model, for tests on a machine without the Python exporter:
 * the graph input becomes float16 (`images_fp16`, cast to float32 `images` inside) and output0 is
 * cast to float16 (`output0_fp16`), the interface YOLOv5's `export.py --half` produces. The weights
 * stay float32, so ONNX Runtime's CPU provider runs it. Built by editing the protobuf directly.
 *
 * ONNX field numbers used: ModelProto.graph = 7; GraphProto.node = 1, input = 11, output = 12;
 * NodeProto input = 1, output = 2, name = 3, op_type = 4, attribute = 5; AttributeProto name = 1,
 * i = 3, type = 20 (INT = 2); ValueInfoProto name = 1, type = 2; TypeProto.tensor_type = 1;
 * Tensor elem_type = 1 (FLOAT = 1, FLOAT16 = 10), shape = 2.
 */
import { readFile, writeFile } from 'node:fs/promises';

interface Field {
  number: number;
  wire: number;
  /** The whole field: tag, length and payload. */
  raw: Uint8Array;
  /** The payload (wire type 2) or value bytes. */
  payload: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) return [value, pos];
    mul *= 128;
  }
}

function parse(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, p] = readVarint(buf, pos);
    pos = p;
    const wire = tag % 8;
    let payloadStart = pos;
    if (wire === 0) pos = readVarint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, after] = readVarint(buf, pos);
      payloadStart = after;
      pos = after + len;
    } else throw new Error(`wire type ${wire}`);
    out.push({ number: Math.floor(tag / 8), wire, raw: buf.subarray(start, pos), payload: buf.subarray(payloadStart, pos) });
  }
  return out;
}

function varint(n: number): number[] {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return bytes;
}

const bytesField = (number: number, payload: Uint8Array): Uint8Array => Buffer.concat([Buffer.from(varint(number * 8 + 2)), Buffer.from(varint(payload.length)), payload]);
const stringField = (number: number, s: string): Uint8Array => bytesField(number, Buffer.from(s, 'utf8'));
const intField = (number: number, n: number): Uint8Array => Buffer.from([...varint(number * 8), ...varint(n)]);
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function castNode(name: string, from: string, to: string, elemType: number): Uint8Array {
  const attribute = Buffer.concat([stringField(1, 'to'), intField(3, elemType), intField(20, 2)]);
  return bytesField(1, Buffer.concat([stringField(1, from), stringField(2, to), stringField(3, name), stringField(4, 'Cast'), bytesField(5, attribute)]));
}

/** ValueInfoProto `name` with the original's shape and element type `elemType`. */
function valueInfo(field: number, original: Uint8Array, name: string, elemType: number): Uint8Array {
  const type = parse(original).find((f) => f.number === 2);
  const tensor = type && parse(type.payload).find((f) => f.number === 1);
  const shape = tensor && parse(tensor.payload).find((f) => f.number === 2);
  if (!shape) throw new Error(`value ${name} has no tensor shape`);
  const tensorType = Buffer.concat([intField(1, elemType), shape.raw]);
  return bytesField(field, Buffer.concat([stringField(1, name), bytesField(2, bytesField(1, tensorType))]));
}

/** Writes the FP16-I/O variant of the model at `src` to `dst`. */
export async function writeFp16IoModel(src: string, dst: string): Promise<void> {
  const model = parse(await readFile(src));
  const graphField = model.find((f) => f.number === 7);
  if (!graphField) throw new Error(`${src} has no graph`);
  const graph = parse(graphField.payload);
  const inputName = text(parse(graph.find((f) => f.number === 11)!.payload).find((f) => f.number === 1)!.payload);
  const outputName = text(parse(graph.find((f) => f.number === 12)!.payload).find((f) => f.number === 1)!.payload);
  const FLOAT = 1;
  const FLOAT16 = 10;
  const parts: Uint8Array[] = [castNode('tally_cast_input', `${inputName}_fp16`, inputName, FLOAT)];
  for (const f of graph) {
    const name = f.number === 11 || f.number === 12 ? text(parse(f.payload).find((g) => g.number === 1)!.payload) : '';
    if (f.number === 11 && name === inputName) parts.push(valueInfo(11, f.payload, `${inputName}_fp16`, FLOAT16));
    else if (f.number === 12 && name === outputName) parts.push(valueInfo(12, f.payload, `${outputName}_fp16`, FLOAT16));
    else parts.push(f.raw);
  }
  parts.push(castNode('tally_cast_output', outputName, `${outputName}_fp16`, FLOAT16));
  const newGraph = bytesField(7, Buffer.concat(parts));
  await writeFile(dst, Buffer.concat(model.map((f) => (f.number === 7 ? newGraph : f.raw))));
}
