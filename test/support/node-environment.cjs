// onnxruntime-node hands back typed arrays from Node's own realm; Jest's sandbox has its own
// constructors, so `instanceof Float32Array` fails inside the addon. Share the host's constructors.
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const TYPED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class TallyNodeEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED) this.global[name] = globalThis[name];
  }
}

module.exports = TallyNodeEnvironment;
