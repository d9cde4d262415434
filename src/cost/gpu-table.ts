import type { GpuType, Precision, ThroughputLookup, ThroughputSource } from './types.js';

/** The GCP VM that hosts one accelerator of each type (one GPU per VM keeps the arithmetic per GPU). */
export interface VmShape {
  machineType: string;
  accelerator: string | null;
  vcpus: number;
  memoryGb: number;
  /** Price-table keys whose hourly prices add up to the VM's price (T4 is billed apart from its N1 host). */
  priceKeys: string[];
}

export const VM_SHAPES: Record<GpuType, VmShape> = {
  'a100-40gb': { machineType: 'a2-highgpu-1g', accelerator: 'NVIDIA A100 40GB', vcpus: 12, memoryGb: 85, priceKeys: ['vm.a2-highgpu-1g'] },
  'a100-80gb': { machineType: 'a2-ultragpu-1g', accelerator: 'NVIDIA A100 80GB', vcpus: 12, memoryGb: 170, priceKeys: ['vm.a2-ultragpu-1g'] },
  l4: { machineType: 'g2-standard-8', accelerator: 'NVIDIA L4', vcpus: 8, memoryGb: 32, priceKeys: ['vm.g2-standard-8'] },
  t4: { machineType: 'n1-standard-8', accelerator: 'NVIDIA T4', vcpus: 8, memoryGb: 30, priceKeys: ['vm.n1-standard-8', 'gpu.nvidia-tesla-t4'] },
  h100: { machineType: 'a3-highgpu-1g', accelerator: 'NVIDIA H100 80GB', vcpus: 26, memoryGb: 234, priceKeys: ['vm.a3-highgpu-1g'] },
  cpu: { machineType: 'c3-standard-8', accelerator: null, vcpus: 8, memoryGb: 32, priceKeys: ['vm.c3-standard-8'] },
};

/** The app VM (API, Postgres, Redis of the monolith) in front of the inference fleet. */
export const APP_VM = { machineType: 'n2-standard-4', priceKey: 'vm.n2-standard-4' } as const;

/**
 * Published anchor figures (Ultralytics YOLOv5 v6.0 README, COCO val, 640 px, AWS p3.2xlarge):
 * V100 at batch 32 in FP16: yolov5n 0.6 ms/img, yolov5s 0.9 ms/img; CPU at batch 1 (8 vCPU Xeon, FP32):
 * yolov5n 45 ms, yolov5s 98 ms. NMS (about 1 ms/img) is excluded from all of them.
 */
const ANCHOR_V100_FP16_FPS: Record<string, number> = { yolov5n: 1000 / 0.6, yolov5s: 1000 / 0.9 };
const ANCHOR_CPU_FP32_FPS: Record<string, number> = { yolov5n: 1000 / 45, yolov5s: 1000 / 98 };

/**
 * FP16 throughput relative to a V100. Rough ratios from MLPerf Inference ResNet-50 offline results per
 * accelerator (T4 ≈ 0.35, L4 ≈ 2.2×T4, A100 ≈ 2×V100, H100 ≈ 1.75×A100), rounded down because a small
 * YOLO at 640 px rarely fills a large GPU. Estimates, not measurements.
 */
const GPU_FACTOR_VS_V100: Record<Exclude<GpuType, 'cpu'>, number> = {
  t4: 0.35,
  l4: 0.75,
  'a100-40gb': 2.0,
  'a100-80gb': 2.0,
  h100: 3.5,
};

/** FP32 runs at about half the FP16 rate on tensor-core GPUs (no tensor cores, twice the memory traffic). */
const FP32_FACTOR = 0.5;

const ANCHOR_BATCH_GPU = 32;

/** Built-in inference figure in analysed frames per second, or why there is none. */
export function tableThroughput(model: string, inputWidth: number, inputHeight: number, precision: Precision, gpu: GpuType): ThroughputLookup {
  const known = Object.keys(ANCHOR_V100_FP16_FPS);
  if (!known.includes(model)) {
    return { ok: false, reason: `the built-in table has no figure for model ${model} (it knows ${known.join(', ')}); measure it with tally bench --profile-out FILE and pass --profile FILE` };
  }
  if (inputWidth !== 640 || inputHeight !== 640) {
    return { ok: false, reason: `the built-in table has figures only at 640x640, not ${inputWidth}x${inputHeight}; measure it with tally bench --profile-out FILE and pass --profile FILE` };
  }
  if (gpu === 'cpu') {
    if (precision === 'fp16') return { ok: false, reason: 'fp16 is not used on CPU (ONNX Runtime runs the CPU model in fp32)' };
    return {
      ok: true,
      throughput: {
        inferenceFps: ANCHOR_CPU_FP32_FPS[model],
        batch: 1,
        description: `built-in estimate: Ultralytics YOLOv5 README CPU figure for ${model} (batch 1, fp32, 8 vCPU), NMS excluded`,
      },
    };
  }
  const factor = GPU_FACTOR_VS_V100[gpu] * (precision === 'fp32' ? FP32_FACTOR : 1);
  return {
    ok: true,
    throughput: {
      inferenceFps: ANCHOR_V100_FP16_FPS[model] * factor,
      batch: ANCHOR_BATCH_GPU,
      description:
        `built-in estimate: Ultralytics YOLOv5 README V100 fp16 batch-32 figure for ${model} × ${GPU_FACTOR_VS_V100[gpu]} for ${gpu}` +
        (precision === 'fp32' ? ` × ${FP32_FACTOR} for fp32` : '') +
        ', inference only (decode, NMS and tracking not included)',
    },
  };
}

export const builtInThroughput: ThroughputSource = {
  kind: 'table',
  description:
    'built-in table of published figures (Ultralytics YOLOv5 README, scaled per GPU by MLPerf ratios): estimates of inference alone, an upper bound on the real pipeline; measure with tally bench --profile-out FILE and pass --profile FILE',
  lookup: ({ model, inputWidth, inputHeight, precision, gpu }) => tableThroughput(model, inputWidth, inputHeight, precision, gpu),
};
