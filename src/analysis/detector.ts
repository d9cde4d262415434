/**
 * One YOLOv5 model loaded in one ONNX Runtime session: tensor in, output0 or Detections out.
 *
 *   Float32Array NCHW (letterboxed, RGB 0..1) ──run()──▶ output0 [batch, anchors, 5 + nc]
 *                                              ──detect()──▶ Detections[] in source pixels
 *
 * Execution providers are tried in the order given ('tensorrt', 'cuda', 'cpu'); the first whose
 * session loads wins and is reported as `executionProvider`.
 *
 * FP16 models (float16 input and output, as YOLOv5's `export.py --half` writes them) take float16
 * bits (Uint16Array): the frame source produces them directly (`inputType`); a float32 tensor given
 * to such a model is converted here, into a reused buffer. Their output stays float16 bits and the
 * decoder reads it through a table. Models with float16 weights but float32 input and output need
 * nothing special.
 */
import * as ort from 'onnxruntime-node';
import type { Detections } from './detections.js';
import { UsageError } from './errors.js';
import { inputSizeFor, type LetterboxGeometry } from './letterbox.js';
import { elementTypeOf, floatsToHalf, halfToFloats, type TensorData, type TensorElementType } from './half.js';
import { describeModel, inspectModelFile, type ModelMetadata } from './model.js';
import { YoloDecoder, type DecodeOptions } from './yolo-decode.js';

export type ExecutionProviderName = 'cpu' | 'cuda' | 'tensorrt';
export const EXECUTION_PROVIDERS: readonly ExecutionProviderName[] = ['cpu', 'cuda', 'tensorrt'];

export interface DetectorOptions {
  modelPath: string;
  /** ONNX Runtime intra-op threads; 0 or undefined lets ONNX Runtime choose (one per core). */
  threads?: number;
  /** Providers in order of preference (ExecutionProviderName); the first that loads is used. Default ['cpu']. */
  executionProviders?: readonly string[];
  /** GPU index for cuda and tensorrt. Default 0. */
  deviceId?: number;
  /**
   * Directory for TensorRT's engine cache (building an engine takes minutes; the cache makes the
   * second start fast). onnxruntime-node 1.30 passes only `deviceId` to the TensorRT provider, so
   * this is also exported as ORT_TENSORRT_ENGINE_CACHE_ENABLE / ORT_TENSORRT_CACHE_PATH; whether
   * the provider honours those with the binding's V2 options must be checked on a GPU machine.
   */
  tensorrtCacheDir?: string;
  /**
   * Let TensorRT build FP16 engines from an FP32 model (exported as ORT_TENSORRT_FP16_ENABLE=1, which the
   * provider reads when it gets no options of its own, as through this binding). Default false.
   */
  tensorrtFp16?: boolean;
  /** ONNX Runtime graph optimisation level. Default 'all'. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface DetectOptions extends Omit<DecodeOptions, 'letterbox'> {
  /** Fill these Detections (one per image) instead of allocating new ones. */
  out?: Detections[];
}

export interface ModelOutput {
  /** float32 values, or float16 bits for an FP16 model. */
  data: TensorData;
  /** [batch, anchors, 5 + nc] */
  dims: readonly number[];
}

export class Detector {
  private readonly decoder = new YoloDecoder();
  private inputTensor: ort.Tensor | undefined;
  /** Conversion buffer when the caller's tensor type is not the model's (grown, then reused). */
  private converted: TensorData | undefined;

  private constructor(
    private readonly session: ort.InferenceSession,
    /** Names, stride, inputs/outputs, dynamic flag, sha256 and name of the model. */
    readonly metadata: ModelMetadata,
    /** The execution provider whose session loaded (e.g. 'cpu'). */
    readonly executionProvider: ExecutionProviderName,
    /** Why preferred providers were skipped, e.g. "cuda: libcublas.so.12 not found". */
    readonly providerFailures: readonly string[],
    private readonly tensorrtFp16 = false,
  ) {}

  /**
   * The precision the model computes in: fp16 for an FP16 model, or on TensorRT with FP16 engines
   * allowed; fp32 otherwise. Reports and metrics record it.
   */
  get precision(): 'fp32' | 'fp16' {
    if (this.metadata.inputType === 'float16') return 'fp16';
    return this.executionProvider === 'tensorrt' && this.tensorrtFp16 ? 'fp16' : 'fp32';
  }

  /** Loads the model with the first execution provider that works. Throws UsageError if none does. */
  static async load(options: DetectorOptions): Promise<Detector> {
    const providers = options.executionProviders?.length ? options.executionProviders : ['cpu'];
    const unknown = providers.find((p) => !(EXECUTION_PROVIDERS as readonly string[]).includes(p));
    if (unknown !== undefined) throw new UsageError(`unknown execution provider '${unknown}': use ${EXECUTION_PROVIDERS.join(', ')}`);
    const file = await inspectModelFile(options.modelPath);
    const failures: string[] = [];
    for (const name of providers as readonly ExecutionProviderName[]) {
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(options.modelPath, sessionOptions(name, options));
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
        continue;
      }
      try {
        return new Detector(session, describeModel(options.modelPath, file, session), name, failures, options.tensorrtFp16 ?? false);
      } catch (err) {
        await session.release();
        throw err;
      }
    }
    throw new UsageError(`could not load ${options.modelPath} with any execution provider (${failures.join('; ')})`);
  }

  /** Class names by class id. */
  get names(): string[] {
    return this.metadata.names;
  }

  /** What the model takes: float32 values, or float16 bits (an FP16 model). Feed this type to avoid a conversion. */
  get inputType(): TensorElementType {
    return this.metadata.inputType;
  }

  /**
   * The model input size for a source of srcW × srcH: the fixed size of a static model, or the
   * rectangle that fits (long side imgsz, multiples of stride) for a dynamic one.
   */
  inputSizeFor(srcW: number, srcH: number, imgsz = 640): { width: number; height: number } {
    const m = this.metadata;
    if (!m.dynamic) return { width: m.inputWidth, height: m.inputHeight };
    return inputSizeFor(srcW, srcH, imgsz, true, m.stride);
  }

  /**
   * Runs the model on `batch` images of height × width held in `input` (NCHW float32) and returns
   * output0's data. A static model takes exactly its own size and batch 1 (call once per image).
   */
  async run(input: TensorData, batch: number, height: number, width: number): Promise<TensorData> {
    return (await this.infer(input, batch, height, width)).data;
  }

  /** run() with output0's dims. */
  async infer(input: TensorData, batch: number, height: number, width: number): Promise<ModelOutput> {
    this.checkInput(input, batch, height, width);
    const feeds = { [this.metadata.inputName]: this.tensorFor(this.asInputType(input, batch * 3 * height * width), batch, height, width) };
    const result = await this.session.run(feeds);
    const out = result[this.metadata.outputName] as ort.Tensor;
    return { data: out.data as TensorData, dims: out.dims };
  }

  /**
   * Runs and decodes: one Detections per geometry (one per image of the batch in `tensor`), boxes
   * in source pixels. All geometries must share the input size. A static model runs image by image.
   */
  async detect(tensor: TensorData, geoms: readonly LetterboxGeometry[], options: DetectOptions): Promise<Detections[]> {
    if (geoms.length === 0) return [];
    const { dstWidth: width, dstHeight: height } = geoms[0];
    if (geoms.some((g) => g.dstWidth !== width || g.dstHeight !== height)) {
      throw new RangeError('all images of a batch must have the same input size');
    }
    const results: Detections[] = [];
    const perImage = 3 * width * height;
    const oneByOne = !this.metadata.dynamicBatch && geoms.length > 1;
    const decodeOne = (output: ModelOutput, index: number, g: LetterboxGeometry): void => {
      const [, anchors, rowSize] = output.dims;
      results.push(this.decoder.decode(output.data, { anchors, rowSize }, index, { ...options, letterbox: g }, options.out?.[results.length]));
    };
    if (oneByOne) {
      for (let i = 0; i < geoms.length; i++) {
        decodeOne(await this.infer(tensor.subarray(i * perImage, (i + 1) * perImage), 1, height, width), 0, geoms[i]);
      }
    } else {
      const output = await this.infer(tensor.subarray(0, geoms.length * perImage), geoms.length, height, width);
      geoms.forEach((g, i) => decodeOne(output, i, g));
    }
    return results;
  }

  async close(): Promise<void> {
    this.inputTensor = undefined;
    await this.session.release();
  }

  private checkInput(input: TensorData, batch: number, height: number, width: number): void {
    const m = this.metadata;
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive whole number, got ${batch}`);
    if (input.length < batch * 3 * height * width) {
      throw new RangeError(`input has ${input.length} floats, ${batch}×3×${height}×${width} needs ${batch * 3 * height * width}`);
    }
    if (!m.dynamicBatch && batch !== 1) throw new RangeError(`${m.modelName} has a fixed batch of 1, got ${batch}`);
    if (!m.dynamic && (height !== m.inputHeight || width !== m.inputWidth)) {
      throw new RangeError(`${m.modelName} takes ${m.inputWidth}×${m.inputHeight} input, got ${width}×${height}`);
    }
    if (m.dynamic && (height % m.stride !== 0 || width % m.stride !== 0)) {
      throw new RangeError(`input ${width}×${height} must be multiples of the model stride ${m.stride}`);
    }
  }

  /** `input` itself when it has the model's element type, else its first `size` values converted into a reused buffer. */
  private asInputType(input: TensorData, size: number): TensorData {
    const want = this.metadata.inputType;
    if (elementTypeOf(input) === want) return input;
    if (!this.converted || this.converted.length < size || elementTypeOf(this.converted) !== want) {
      this.converted = want === 'float16' ? new Uint16Array(size) : new Float32Array(size);
    }
    const dst = this.converted.subarray(0, size);
    if (dst instanceof Uint16Array) floatsToHalf((input as Float32Array).subarray(0, size), dst);
    else halfToFloats((input as Uint16Array).subarray(0, size), dst);
    return dst;
  }

  /** Reuses the last ort.Tensor when the same buffer and dims come again (the usual case). */
  private tensorFor(input: TensorData, batch: number, height: number, width: number): ort.Tensor {
    const size = batch * 3 * height * width;
    const data = input.length === size ? input : input.subarray(0, size);
    const t = this.inputTensor;
    if (t && t.data === data && t.dims[0] === batch && t.dims[2] === height && t.dims[3] === width) return t;
    if (t && t.dims[0] === batch && t.dims[2] === height && t.dims[3] === width) {
      const d = t.data as TensorData;
      if (d.buffer === data.buffer && d.byteOffset === data.byteOffset && elementTypeOf(d) === elementTypeOf(data)) return t;
    }
    this.inputTensor = data instanceof Uint16Array ? new ort.Tensor('float16', data, [batch, 3, height, width]) : new ort.Tensor('float32', data, [batch, 3, height, width]);
    return this.inputTensor;
  }
}

function sessionOptions(provider: ExecutionProviderName, options: DetectorOptions): ort.InferenceSession.SessionOptions {
  const deviceId = options.deviceId ?? 0;
  let ep: ort.InferenceSession.ExecutionProviderConfig;
  if (provider === 'cuda') ep = { name: 'cuda', deviceId };
  else if (provider === 'tensorrt') {
    if (options.tensorrtCacheDir) exportTensorrtCacheEnv(options.tensorrtCacheDir);
    if (options.tensorrtFp16) process.env.ORT_TENSORRT_FP16_ENABLE = '1';
    ep = {
      name: 'tensorrt',
      deviceId,
      // Ignored by the 1.30 binding (see DetectorOptions.tensorrtCacheDir), read by later ones.
      ...(options.tensorrtCacheDir ? { trtEngineCacheEnable: true, trtEngineCachePath: options.tensorrtCacheDir } : {}),
    } as ort.InferenceSession.ExecutionProviderConfig;
  } else ep = 'cpu';
  return {
    executionProviders: [ep],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    // ONNX Runtime's CPU threads spin between operators by default, burning the cores that ffmpeg
    // and the frame reader need: measured here (2 cores), turning it off made the pipeline at
    // stride 4 about 9% faster and bare inference no slower.
    ...(provider === 'cpu' ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
  };
}

/** The TensorRT provider reads its cache settings from the process environment (native getenv). */
function exportTensorrtCacheEnv(dir: string): void {
  process.env.ORT_TENSORRT_ENGINE_CACHE_ENABLE = '1';
  process.env.ORT_TENSORRT_CACHE_PATH = dir;
  process.env.ORT_TENSORRT_ENGINE_CACHE_PATH = dir;
}
