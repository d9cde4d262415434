/**
 * What a YOLOv5 ONNX file says about itself: class names, stride, inputs and outputs, its sha256.
 *
 * onnxruntime-node 1.30 exposes input/output names and shapes (session.inputMetadata) but not the
 * model's `metadata_props`, so those are read straight from the protobuf: ModelProto field 14 is a
 * repeated StringStringEntryProto { key = 1, value = 2 }. YOLOv5's export.py writes
 * `stride` = "32" and `names` = str(dict), e.g. "{0: 'person', 1: 'bicycle', …}".
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './errors.js';
import type { TensorElementType } from './half.js';

export interface TensorInfo {
  name: string;
  /** Numbers for fixed dimensions, names for symbolic ones (e.g. ['batch', 3, 'height', 'width']). */
  shape: Array<number | string>;
}

/**
 * Everything the detector needs to know about a model. Narrow on `dynamic` to get the fixed input
 * size of a static model: `meta.dynamic ? … : meta.inputWidth`.
 */
export type ModelMetadata = ModelMetadataBase & (DynamicInput | StaticInput);

interface DynamicInput {
  /** True: the input's height and width are symbolic (any multiple of stride). */
  dynamic: true;
  inputWidth?: undefined;
  inputHeight?: undefined;
}

interface StaticInput {
  dynamic: false;
  /** The fixed input size of a static model, e.g. 640 × 640. */
  inputWidth: number;
  inputHeight: number;
}

export interface ModelMetadataBase {
  /** File name without `.onnx`, e.g. "yolov5n". */
  modelName: string;
  path: string;
  /** Hex sha256 of the model file (reports record which exact model produced them). */
  sha256: string;
  /** Class names by class id. */
  names: string[];
  /** Largest stride of the network (input sizes of a dynamic model are multiples of it). */
  stride: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  inputName: string;
  outputName: string;
  /** True when the batch dimension is symbolic. */
  dynamicBatch: boolean;
  /** Element type of the input and of output0: float16 for an FP16 export (YOLOv5 `export.py --half`). */
  inputType: TensorElementType;
  outputType: TensorElementType;
  /** All metadata_props as written by the exporter. */
  props: Record<string, string>;
}

/** The part of an onnxruntime InferenceSession this module needs. */
export interface SessionShapes {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: ReadonlyArray<{ name: string; isTensor: boolean; shape?: ReadonlyArray<number | string>; type?: string }>;
  readonly outputMetadata: ReadonlyArray<{ name: string; isTensor: boolean; shape?: ReadonlyArray<number | string>; type?: string }>;
}

/** What the model file itself holds: its hash and metadata_props. */
export interface ModelFileInfo {
  sha256: string;
  props: Record<string, string>;
}

/** Reads the model file: sha256 and metadata_props. UsageError when missing or not ONNX. */
export async function inspectModelFile(modelPath: string): Promise<ModelFileInfo> {
  const bytes = await readModelFile(modelPath);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), props: readOnnxMetadataProps(bytes, modelPath) };
}

/** inspectModelFile + describeModel. */
export async function readModelMetadata(modelPath: string, session: SessionShapes): Promise<ModelMetadata> {
  return describeModel(modelPath, await inspectModelFile(modelPath), session);
}

/** Combines the file's metadata_props with the loaded session's input and output shapes. */
export function describeModel(modelPath: string, file: ModelFileInfo, session: SessionShapes): ModelMetadata {
  const { props } = file;
  const inputs = session.inputMetadata.map((m) => ({ name: m.name, shape: [...(m.shape ?? [])] }));
  const outputs = session.outputMetadata.map((m) => ({ name: m.name, shape: [...(m.shape ?? [])] }));
  const input = inputs[0];
  const output = outputs[0];
  if (!input || !output) throw new UsageError(`${modelPath} has no inputs or outputs: not a YOLOv5 model`);
  if (input.shape.length !== 4 || output.shape.length !== 3) {
    throw new UsageError(
      `${modelPath}: shapes [${input.shape.join(', ')}] → [${output.shape.join(', ')}] are not YOLOv5's [batch, 3, height, width] → [batch, anchors, 5 + classes]`,
    );
  }
  const [batchDim, , hDim, wDim] = input.shape;
  const size: DynamicInput | StaticInput =
    isFixed(hDim) && isFixed(wDim) ? { dynamic: false, inputWidth: wDim, inputHeight: hDim } : { dynamic: true };
  const rowSize = isFixed(output.shape[2]) ? output.shape[2] : undefined;
  const stride = props.stride !== undefined ? Number(props.stride) : 32;
  if (!Number.isInteger(stride) || stride <= 0) throw new UsageError(`${modelPath}: metadata stride=${props.stride} is not a positive integer`);
  return {
    modelName: path.basename(modelPath).replace(/\.onnx$/i, ''),
    path: modelPath,
    sha256: file.sha256,
    names: props.names !== undefined ? parseClassNames(props.names) : genericNames(rowSize !== undefined ? rowSize - 5 : 0),
    stride,
    inputs,
    outputs,
    inputName: input.name,
    outputName: output.name,
    dynamicBatch: !isFixed(batchDim),
    inputType: elementType(modelPath, 'input', session.inputMetadata[0].type),
    outputType: elementType(modelPath, 'output', session.outputMetadata[0].type),
    props,
    ...size,
  };
}

/** float32 or float16 (what the detector feeds and decodes); anything else is refused with the reason. */
function elementType(modelPath: string, which: 'input' | 'output', type: string | undefined): TensorElementType {
  if (type === undefined || type === 'float32') return 'float32';
  if (type === 'float16') return 'float16';
  throw new UsageError(`${modelPath}: its ${which} is ${type}; Tally runs YOLOv5 models with float32 or float16 input and output`);
}

function isFixed(dim: number | string | undefined): dim is number {
  return typeof dim === 'number' && dim > 0;
}

async function readModelFile(modelPath: string): Promise<Uint8Array> {
  try {
    return await readFile(modelPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`model file not found: ${modelPath} (set TALLY_MODEL_PATH or pass --model)`);
    throw new UsageError(`cannot read model file ${modelPath}: ${(err as Error).message}`);
  }
}

/** `class0`, `class1`, … for a model without names. */
export function genericNames(count: number): string[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => `class${i}`);
}

// ---------------------------------------------------------------------------------------------
// Protobuf: just enough to walk ModelProto's top-level fields and read metadata_props.

const MODEL_IR_VERSION = 1;
const MODEL_GRAPH = 7;
const MODEL_METADATA_PROPS = 14;

/** metadata_props of an ONNX ModelProto. Throws UsageError when the bytes are not an ONNX model. */
export function readOnnxMetadataProps(bytes: Uint8Array, label = 'model'): Record<string, string> {
  const props: Record<string, string> = {};
  let sawIrVersion = false;
  let sawGraph = false;
  try {
    for (const f of fields(bytes, 0, bytes.length)) {
      if (f.number === MODEL_IR_VERSION && f.wireType === 0) sawIrVersion = true;
      else if (f.number === MODEL_GRAPH && f.wireType === 2) sawGraph = true;
      else if (f.number === MODEL_METADATA_PROPS && f.wireType === 2) {
        let key = '';
        let value = '';
        for (const e of fields(bytes, f.start, f.end)) {
          if (e.wireType !== 2) continue;
          if (e.number === 1) key = utf8(bytes, e.start, e.end);
          else if (e.number === 2) value = utf8(bytes, e.start, e.end);
        }
        props[key] = value;
      }
    }
  } catch (err) {
    throw new UsageError(`${label} is not an ONNX model (${(err as Error).message})`);
  }
  if (!sawIrVersion || !sawGraph) throw new UsageError(`${label} is not an ONNX model (no ir_version or graph)`);
  return props;
}

interface Field {
  number: number;
  wireType: number;
  /** Payload range for wire type 2. */
  start: number;
  end: number;
}

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(buf, pos);
    pos = afterTag;
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (number === 0) throw new Error(`field number 0 at byte ${pos}`);
    let payloadStart = pos;
    switch (wireType) {
      case 0:
        pos = varint(buf, pos)[1];
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const [len, after] = varint(buf, pos);
        payloadStart = after;
        pos = after + len;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wireType} at byte ${pos}`);
    }
    if (pos > end) throw new Error(`field ${number} runs past the end`);
    yield { number, wireType, start: payloadStart, end: pos };
  }
}

/** A varint as a JS number (exact below 2^53, which covers every length in a file we can read). */
function varint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) return [value, pos];
    mul *= 128;
  }
  throw new Error('varint longer than 10 bytes');
}

const decoder = new TextDecoder('utf-8');
function utf8(buf: Uint8Array, start: number, end: number): string {
  return decoder.decode(buf.subarray(start, end));
}

// ---------------------------------------------------------------------------------------------
// Class names: a Python literal (dict or list, as str() writes it) or JSON.

/**
 * Parses YOLOv5's `names` metadata into names by class id. Accepts a Python dict literal
 * `{0: 'person', 1: "o'clock"}`, a Python list `['person', …]`, or the same as JSON
 * (`{"0": "person"}`). Ids missing from a dict get `class<i>`. Throws UsageError otherwise.
 */
export function parseClassNames(text: string): string[] {
  let value: unknown;
  try {
    value = new PyLiteral(text).parseAll();
  } catch (err) {
    throw new UsageError(`model metadata 'names' is not a dict or list of class names: ${(err as Error).message}`);
  }
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) throw new UsageError(`model metadata 'names' must list strings`);
    return value as string[];
  }
  if (value instanceof Map) {
    const names: string[] = [];
    for (const [k, v] of value) {
      const id = typeof k === 'number' ? k : Number(k);
      if (!Number.isInteger(id) || id < 0 || id > 100000 || typeof v !== 'string') {
        throw new UsageError(`model metadata 'names' must map class ids to strings, got ${String(k)}: ${String(v)}`);
      }
      names[id] = v;
    }
    return Array.from({ length: names.length }, (_, i) => names[i] ?? `class${i}`);
  }
  throw new UsageError(`model metadata 'names' is neither a dict nor a list`);
}

type PyValue = string | number | boolean | null | PyValue[] | Map<PyValue, PyValue>;

/** A small recursive-descent parser for Python literals (str, int, float, list, tuple, dict, True/False/None). */
class PyLiteral {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseAll(): PyValue {
    const v = this.value();
    this.ws();
    if (this.pos !== this.s.length) this.fail('unexpected text');
    return v;
  }

  private value(): PyValue {
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.dict();
    if (c === '[' || c === '(') return this.list(c === '[' ? ']' : ')');
    if (c === "'" || c === '"') return this.str();
    if ((c === 'u' || c === 'U') && (this.s[this.pos + 1] === "'" || this.s[this.pos + 1] === '"')) {
      this.pos++;
      return this.str();
    }
    const word = /^(True|False|None|true|false|null)\b/.exec(this.s.slice(this.pos));
    if (word) {
      this.pos += word[0].length;
      return word[0] === 'True' || word[0] === 'true' ? true : word[0] === 'None' || word[0] === 'null' ? null : false;
    }
    const num = /^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+)/i.exec(this.s.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    return this.fail('expected a value');
  }

  private dict(): Map<PyValue, PyValue> {
    const map = new Map<PyValue, PyValue>();
    this.pos++; // {
    for (;;) {
      this.ws();
      if (this.eat('}')) return map;
      const key = this.value();
      this.ws();
      if (!this.eat(':')) this.fail("expected ':'");
      map.set(key, this.value());
      this.ws();
      if (this.eat('}')) return map;
      if (!this.eat(',')) this.fail("expected ',' or '}'");
    }
  }

  private list(close: string): PyValue[] {
    const items: PyValue[] = [];
    this.pos++; // [ or (
    for (;;) {
      this.ws();
      if (this.eat(close)) return items;
      items.push(this.value());
      this.ws();
      if (this.eat(close)) return items;
      if (!this.eat(',')) this.fail(`expected ',' or '${close}'`);
    }
  }

  private str(): string {
    const quote = this.s[this.pos++];
    let out = '';
    while (this.pos < this.s.length) {
      const c = this.s[this.pos++];
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.pos++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '\\':
        case "'":
        case '"':
          out += e;
          break;
        case 'x':
          out += this.hexChar(2);
          break;
        case 'u':
          out += this.hexChar(4);
          break;
        case 'U':
          out += this.hexChar(8);
          break;
        default:
          out += `\\${e ?? ''}`; // Python keeps unknown escapes as written
      }
    }
    return this.fail('unterminated string');
  }

  private hexChar(digits: number): string {
    const hex = this.s.slice(this.pos, this.pos + digits);
    if (!/^[0-9a-f]+$/i.test(hex) || hex.length !== digits) this.fail('bad escape');
    this.pos += digits;
    return String.fromCodePoint(parseInt(hex, 16));
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  private eat(c: string): boolean {
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private fail(what: string): never {
    throw new Error(`${what} at character ${this.pos}`);
  }
}
