import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../../src/analysis/errors.js';
import { parseClassNames, readOnnxMetadataProps } from '../../src/analysis/model.js';

describe('parseClassNames', () => {
  it.each([
    ['a Python dict, as YOLOv5 export.py writes it', "{0: 'person', 1: 'bicycle', 2: 'car'}", ['person', 'bicycle', 'car']],
    ['double quotes where the name holds a single quote', `{0: "o'clock", 1: 'x'}`, ["o'clock", 'x']],
    ['escapes inside strings', String.raw`{0: 'it\'s', 1: "say \"hi\"", 2: 'caf\xe9'}`, ["it's", 'say "hi"', 'café']],
    ['keys out of order, with a gap filled by classN', "{2: 'c', 0: 'a'}", ['a', 'class1', 'c']],
    ['a Python list (older exports)', "['person', 'bicycle']", ['person', 'bicycle']],
    ['JSON with string keys', '{"0": "person", "1": "bicycle"}', ['person', 'bicycle']],
    ['a trailing comma and newlines', "{\n  0: 'a',\n  1: 'b',\n}", ['a', 'b']],
    ['an empty dict', '{}', []],
  ])('%s', (_why, text, expected) => {
    expect(parseClassNames(text)).toEqual(expected);
  });

  it.each([
    ['unterminated string', "{0: 'person"],
    ['not a literal', 'person, bicycle'],
    ['non-string names', '{0: 1}'],
    ['negative ids', "{-1: 'x'}"],
    ['text after the literal', "{0: 'a'} junk"],
  ])('rejects %s with a UsageError', (_why, text) => {
    expect(() => parseClassNames(text)).toThrow(UsageError);
  });
});

/** Protobuf helpers to build tiny ModelProtos. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const bytes = (s: string) => Array.from(new TextEncoder().encode(s));
const field = (num: number, payload: number[]) => [...varint(num * 8 + 2), ...varint(payload.length), ...payload];
const entry = (k: string, v: string) => field(14, [...field(1, bytes(k)), ...field(2, bytes(v))]);

describe('readOnnxMetadataProps', () => {
  const irVersion = [...varint(1 * 8 + 0), 7];
  const graph = field(7, field(2, bytes('main_graph')));

  it('reads metadata_props (field 14) and skips the other fields', () => {
    const model = Uint8Array.from([...irVersion, ...field(2, bytes('pytorch')), ...graph, ...entry('stride', '32'), ...entry('names', "{0: 'person'}")]);
    expect(readOnnxMetadataProps(model)).toEqual({ stride: '32', names: "{0: 'person'}" });
  });

  it('handles a model without metadata', () => {
    expect(readOnnxMetadataProps(Uint8Array.from([...irVersion, ...graph]))).toEqual({});
  });

  it.each([
    ['a text file', bytes('hello, this is not a model\n')],
    ['a truncated field', [...irVersion, ...graph, ...field(14, bytes('abc')).slice(0, 4)]],
    ['no graph', irVersion],
  ])('rejects %s with a UsageError', (_why, data) => {
    expect(() => readOnnxMetadataProps(Uint8Array.from(data), 'x.onnx')).toThrow(UsageError);
  });
});
