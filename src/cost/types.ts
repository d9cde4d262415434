/** Value types of the cost estimator. Pure data: no Nest, no I/O. */

export const GPU_TYPES = ['a100-40gb', 'a100-80gb', 'l4', 't4', 'h100', 'cpu'] as const;
export type GpuType = (typeof GPU_TYPES)[number];

export const PRECISIONS = ['fp16', 'fp32'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Everything the estimate depends on, validated (see inputs.ts for units, defaults and flags). */
export interface CostInputs {
  videosPerDay: number;
  videosPerBurst: number;
  durationSeconds: number;
  fps: number;
  /** Analyse every `stride`-th frame; decoding still reads every frame. */
  stride: number;
  deadlineMinutes: number;
  concurrentUsers: number;
  usersPerAppVm: number;
  model: string;
  inputWidth: number;
  inputHeight: number;
  gpu: GpuType;
  precision: Precision;
  /** Decoded frames per second one inference VM sustains; overrides the profile's decodeFps. */
  decodeFps?: number;
  /** Capacity multiplier (≥ 1): GPUs are sized so the burst would finish even if work took this much longer. */
  headroom: number;
  retentionDays: number;
  bitrateMbps: number;
  egressPerReportMb: number;
  gpuDiskGb: number;
  appDiskGb: number;
  engineerSalaryUsd: number;
  workingDaysPerYear: number;
  fullstackDays: number;
  cloudDays: number;
  maintenanceEngineers: number;
  /** Target margin as a fraction of the price, 0 ≤ margin < 1. */
  margin: number;
  /** Months over which the one-off build cost is spread in the break-even price. */
  amortizeMonths: number;
}

/** Frames per second one inference VM sustains for one model, input size and precision. */
export interface Throughput {
  /** Analysed frames per second through the model (batched), pre/post-processing excluded unless measured. */
  inferenceFps: number;
  /** Decoded video frames per second, when known. Decode reads every frame whatever the stride. */
  decodeFps?: number;
  /** Analysed frames per second end to end (decode, letterbox, inference, NMS, tracking), when measured. */
  pipelineFps?: number;
  batch: number;
  /** One line saying where the figure comes from. */
  description: string;
}

export type ThroughputLookup = { ok: true; throughput: Throughput } | { ok: false; reason: string };

/** Where throughput figures come from: a measured profile or the built-in table of published figures. */
export interface ThroughputSource {
  kind: 'profile' | 'table';
  /** Human-readable: the profile file and device, or the table's caveat. */
  description: string;
  lookup(query: { model: string; inputWidth: number; inputHeight: number; precision: Precision; gpu: GpuType }): ThroughputLookup;
}

export interface Step {
  name: string;
  formula: string;
  value: number;
  unit: string;
}

export interface LineItem {
  item: string;
  priceKey: string;
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  monthlyUsd: number;
  fixed: boolean;
  note?: string;
}

export interface PeopleCost {
  role: string;
  salaryUsdPerYear: number;
  buildDays: number;
  buildUsd: number;
  maintenanceFte: number;
  monthlyUsd: number;
}

export interface SensitivityRow {
  stride: number;
  precision: Precision;
  feasible: boolean;
  /** Why the row has no figures: impossible, or no throughput for that precision. */
  reason?: string;
  perVideoSeconds: number | null;
  gpus: number | null;
  monthlyTotal: number | null;
  costPerVideoMinute: number | null;
}

export interface CostEstimate {
  feasible: boolean;
  impossible?: { reason: string };
  throughputSource: { kind: 'profile' | 'table'; description: string; entry: string };
  throughput: Throughput & { boundBy: 'inference' | 'decode' | 'pipeline'; perVideoSeconds: number };
  gpus: number | null;
  vm: { machineType: string; accelerator: string | null; count: number | null; hourlyUsd: number };
  appVms: { machineType: string; count: number };
  steps: Step[];
  lineItems: LineItem[];
  people: PeopleCost[];
  build: { total: number };
  monthly: { infrastructure: number; people: number; total: number } | null;
  firstYearTotal: number | null;
  videosPerMonth: number;
  videoMinutesPerMonth: number;
  costPerVideo: number | null;
  costPerVideoMinute: number | null;
  costPerVideoMinuteInfrastructure: number | null;
  breakEvenPricePerMinute: number | null;
  sensitivity: SensitivityRow[];
  priceTable: { id: string; currency: string; note: string };
  warnings: string[];
}
