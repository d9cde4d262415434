import { UsageError } from '../analysis/errors.js';
import { APP_VM, VM_SHAPES } from './gpu-table.js';
import type { PriceTable } from './prices.js';
import type {
  CostEstimate,
  CostInputs,
  LineItem,
  PeopleCost,
  Precision,
  SensitivityRow,
  Step,
  Throughput,
  ThroughputSource,
} from './types.js';

/** 365 days / 12 months, the same year the 730 hours per month come from. */
export const DAYS_PER_MONTH = 365 / 12;
const SECONDS_PER_DAY = 86_400;
/** Decimal units, as cloud bills count them: 1 GB = 1,000 MB. */
const MB_PER_GB = 1000;
/** GCS operations per video: Class A = upload of the video + write of the report; Class B = the worker's read + one report download. */
const CLASS_A_OPS_PER_VIDEO = 2;
const CLASS_B_OPS_PER_VIDEO = 2;
/** Float noise guard for floor/ceil of quotients that should be whole (1200 / 1.2 = 999.9999…). */
const EPS = 1e-9;

const cents = (x: number): number => Math.round(x * 100) / 100;
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

interface Fleet {
  framesPerVideo: number;
  analysedFramesPerVideo: number;
  perVideoSeconds: number;
  boundBy: 'inference' | 'decode' | 'pipeline';
  /** null when one video alone cannot finish within the deadline. */
  gpus: number | null;
  impossibleReason?: string;
  steps: Step[];
  warnings: string[];
}

/** Seconds one video takes on one inference VM, bound by its slowest stage (stages run pipelined). */
function perVideo(inputs: CostInputs, t: Throughput): Pick<Fleet, 'framesPerVideo' | 'analysedFramesPerVideo' | 'perVideoSeconds' | 'boundBy'> & { stages: Step[] } {
  const framesPerVideo = Math.ceil(inputs.durationSeconds * inputs.fps - EPS);
  const analysedFramesPerVideo = Math.ceil(framesPerVideo / inputs.stride - EPS);
  const stages: Array<{ stage: 'inference' | 'decode' | 'pipeline'; seconds: number; formula: string }> = [
    { stage: 'inference', seconds: analysedFramesPerVideo / t.inferenceFps, formula: `${analysedFramesPerVideo} / ${round4(t.inferenceFps)} inference fps` },
  ];
  if (t.decodeFps !== undefined) {
    stages.push({ stage: 'decode', seconds: framesPerVideo / t.decodeFps, formula: `${framesPerVideo} / ${round4(t.decodeFps)} decode fps (every frame is decoded)` });
  }
  if (t.pipelineFps !== undefined) {
    stages.push({ stage: 'pipeline', seconds: analysedFramesPerVideo / t.pipelineFps, formula: `${analysedFramesPerVideo} / ${round4(t.pipelineFps)} pipeline fps` });
  }
  const slowest = stages.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  return {
    framesPerVideo,
    analysedFramesPerVideo,
    perVideoSeconds: slowest.seconds,
    boundBy: slowest.stage,
    stages: stages.map((s) => ({ name: `${s.stage} seconds per video`, formula: s.formula, value: round4(s.seconds), unit: 's' })),
  };
}

/**
 * GPUs for the burst and the day. A video is not split across GPUs (tracking follows it frame by frame),
 * so one GPU that shares its throughput among k videos finishes them all after k × perVideoSeconds:
 * each GPU may take floor(deadline / (perVideoSeconds × headroom)) videos of the burst.
 */
function sizeFleet(inputs: CostInputs, t: Throughput): Fleet {
  const v = perVideo(inputs, t);
  const deadlineSeconds = inputs.deadlineMinutes * 60;
  const steps: Step[] = [
    { name: 'frames per video', formula: `${inputs.durationSeconds} s × ${inputs.fps} fps`, value: v.framesPerVideo, unit: 'frames' },
    { name: 'analysed frames per video', formula: `ceil(${v.framesPerVideo} / stride ${inputs.stride})`, value: v.analysedFramesPerVideo, unit: 'frames' },
    { name: 'analysed frames per burst', formula: `${inputs.videosPerBurst} videos × ${v.analysedFramesPerVideo}`, value: inputs.videosPerBurst * v.analysedFramesPerVideo, unit: 'frames' },
    ...v.stages,
    { name: 'seconds per video on one GPU', formula: `slowest stage (${v.boundBy})`, value: round4(v.perVideoSeconds), unit: 's' },
    { name: 'GPU-seconds per burst', formula: `${inputs.videosPerBurst} × ${round4(v.perVideoSeconds)} s`, value: round4(inputs.videosPerBurst * v.perVideoSeconds), unit: 'GPU-s' },
    { name: 'deadline', formula: `${inputs.deadlineMinutes} min × 60`, value: deadlineSeconds, unit: 's' },
  ];
  const warnings: string[] = [];
  const base = { ...v, steps, warnings };
  if (inputs.videosPerBurst === 0 && inputs.videosPerDay === 0) {
    steps.push({ name: 'GPUs', formula: 'no videos', value: 0, unit: 'GPUs' });
    return { ...base, gpus: 0 };
  }
  if (v.perVideoSeconds > deadlineSeconds) {
    return {
      ...base,
      gpus: null,
      impossibleReason:
        `one video alone takes ${round4(v.perVideoSeconds)} s on one ${inputs.gpu} (bound by ${v.boundBy}), longer than the ${deadlineSeconds} s deadline, ` +
        'and a video is not split across GPUs; use a faster GPU, a larger --stride, a smaller model or input, or a longer --deadline-minutes',
    };
  }
  let videosPerGpu = Math.floor(deadlineSeconds / (v.perVideoSeconds * inputs.headroom) + EPS);
  steps.push({
    name: 'burst videos one GPU finishes in time',
    formula: `floor(${deadlineSeconds} s / (${round4(v.perVideoSeconds)} s × headroom ${inputs.headroom}))`,
    value: videosPerGpu,
    unit: 'videos',
  });
  if (videosPerGpu === 0) {
    videosPerGpu = 1;
    warnings.push(
      `headroom ${inputs.headroom} cannot be honoured: one video takes ${round4(v.perVideoSeconds)} s of the ${deadlineSeconds} s deadline; sized at one GPU per burst video`,
    );
  }
  const burstGpus = Math.ceil(inputs.videosPerBurst / videosPerGpu - EPS);
  const dailyGpus = Math.ceil((inputs.videosPerDay * v.perVideoSeconds * inputs.headroom) / SECONDS_PER_DAY - EPS);
  const gpus = Math.max(burstGpus, dailyGpus, 1);
  steps.push(
    { name: 'GPUs for the burst', formula: `ceil(${inputs.videosPerBurst} / ${videosPerGpu})`, value: burstGpus, unit: 'GPUs' },
    {
      name: 'GPUs for the daily volume',
      formula: `ceil(${inputs.videosPerDay} × ${round4(v.perVideoSeconds)} s × ${inputs.headroom} / 86400 s)`,
      value: dailyGpus,
      unit: 'GPUs',
    },
    { name: 'GPUs', formula: `max(burst ${burstGpus}, daily ${dailyGpus}, 1)`, value: gpus, unit: 'GPUs' },
    {
      name: 'burst finishes after',
      formula: `ceil(${inputs.videosPerBurst} / ${gpus}) × ${round4(v.perVideoSeconds)} s`,
      value: round4(Math.ceil(inputs.videosPerBurst / gpus - EPS) * v.perVideoSeconds),
      unit: 's',
    },
    {
      name: 'GPU utilisation over a day',
      formula: `${inputs.videosPerDay} × ${round4(v.perVideoSeconds)} s / (${gpus} × 86400 s)`,
      value: round4((inputs.videosPerDay * v.perVideoSeconds) / (gpus * SECONDS_PER_DAY)),
      unit: 'fraction',
    },
  );
  return { ...base, gpus };
}

function price(prices: PriceTable, key: string): number {
  const p = prices.prices[key];
  if (!p) throw new UsageError(`price table ${prices.id} has no price "${key}"`);
  return p.usd;
}

interface Running {
  lineItems: LineItem[];
  steps: Step[];
  appVms: number;
  infrastructure: number;
}

/** Monthly infrastructure line items; GPU-fleet items only when `gpus` is a number. */
function runningCosts(inputs: CostInputs, prices: PriceTable, gpus: number | null): Running {
  const h = prices.hoursPerMonth;
  const shape = VM_SHAPES[inputs.gpu];
  const videosPerMonth = inputs.videosPerDay * DAYS_PER_MONTH;
  const videoMb = (inputs.bitrateMbps * inputs.durationSeconds) / 8;
  const reportMb = inputs.egressPerReportMb;
  const appVms = Math.max(1, Math.ceil(inputs.concurrentUsers / inputs.usersPerAppVm - EPS));
  const storedGb = (inputs.videosPerDay * inputs.retentionDays * (videoMb + reportMb)) / MB_PER_GB;
  const lbGb = (videosPerMonth * (videoMb + reportMb)) / MB_PER_GB;
  const egressGb = (videosPerMonth * reportMb) / MB_PER_GB;
  const steps: Step[] = [
    { name: 'video size', formula: `${inputs.bitrateMbps} Mbit/s × ${inputs.durationSeconds} s / 8`, value: round4(videoMb), unit: 'MB' },
    { name: 'videos per month', formula: `${inputs.videosPerDay} / day × 365/12`, value: round4(videosPerMonth), unit: 'videos' },
    { name: 'app VMs', formula: `max(1, ceil(${inputs.concurrentUsers} users / ${inputs.usersPerAppVm} per VM))`, value: appVms, unit: 'VMs' },
    {
      name: 'GCS stored (steady state)',
      formula: `${inputs.videosPerDay} / day × ${inputs.retentionDays} days × (${round4(videoMb)} + ${reportMb}) MB / 1000`,
      value: round4(storedGb),
      unit: 'GB',
    },
    { name: 'load balancer data processed', formula: `${round4(videosPerMonth)} × (${round4(videoMb)} + ${reportMb}) MB / 1000`, value: round4(lbGb), unit: 'GB/month' },
    { name: 'internet egress', formula: `${round4(videosPerMonth)} reports × ${reportMb} MB / 1000`, value: round4(egressGb), unit: 'GB/month' },
  ];
  const items: LineItem[] = [];
  const add = (item: string, priceKey: string, quantity: number, unit: string, fixed: boolean, note?: string): void => {
    const unitPriceUsd = price(prices, priceKey);
    const line: LineItem = { item, priceKey, quantity: round4(quantity), unit, unitPriceUsd, monthlyUsd: cents(quantity * unitPriceUsd), fixed };
    if (note) line.note = note;
    items.push(line);
  };
  if (gpus !== null) {
    for (const key of shape.priceKeys) {
      const what = key.startsWith('gpu.') ? `${shape.accelerator} attached` : `inference VM ${shape.machineType}${shape.accelerator ? ` (${shape.accelerator})` : ''}`;
      add(what, key, gpus * h, 'hours', false, `${gpus} × ${h} h, always on so a burst starts at once`);
    }
    add('inference VM boot disk (pd-balanced)', 'disk.pd-balanced', gpus * inputs.gpuDiskGb, 'GB-months', false, `${gpus} × ${inputs.gpuDiskGb} GB`);
  }
  add(`app VM ${APP_VM.machineType} (API, Postgres, Redis)`, APP_VM.priceKey, appVms * h, 'hours', true, `${appVms} × ${h} h`);
  add('app VM disk (pd-ssd)', 'disk.pd-ssd', appVms * inputs.appDiskGb, 'GB-months', true, `${appVms} × ${inputs.appDiskGb} GB`);
  add('static external IP (load balancer)', 'network.static-ip', h, 'hours', true);
  add('HTTPS load balancer forwarding rule', 'lb.forwarding-rule', h, 'hours', true);
  add('HTTPS load balancer data processed', 'lb.data-processing', lbGb, 'GB', false, 'uploads in + reports out');
  add('GCS standard storage', 'gcs.standard-storage', storedGb, 'GB-months', false, `videos and reports kept ${inputs.retentionDays} days`);
  add('GCS Class A operations', 'gcs.class-a-ops', (videosPerMonth * CLASS_A_OPS_PER_VIDEO) / 1000, 'thousand ops', false, `${CLASS_A_OPS_PER_VIDEO} writes per video`);
  add('GCS Class B operations', 'gcs.class-b-ops', (videosPerMonth * CLASS_B_OPS_PER_VIDEO) / 1000, 'thousand ops', false, `${CLASS_B_OPS_PER_VIDEO} reads per video`);
  add('internet egress (reports)', 'network.internet-egress', egressGb, 'GB', false, `${reportMb} MB per report`);
  const infrastructure = cents(items.reduce((sum, i) => sum + i.monthlyUsd, 0));
  return { lineItems: items, steps, appVms, infrastructure };
}

/** People: build days at salary / working days a year; maintenance as full-time equivalents at salary / 12. */
function peopleCosts(inputs: CostInputs): { people: PeopleCost[]; steps: Step[] } {
  const dailyRate = inputs.engineerSalaryUsd / inputs.workingDaysPerYear;
  const row = (role: string, buildDays: number, maintenanceFte: number): PeopleCost => ({
    role,
    salaryUsdPerYear: inputs.engineerSalaryUsd,
    buildDays,
    buildUsd: cents(buildDays * dailyRate),
    maintenanceFte,
    monthlyUsd: cents((maintenanceFte * inputs.engineerSalaryUsd) / 12),
  });
  return {
    people: [
      row('full-stack engineer (build)', inputs.fullstackDays, 0),
      row('cloud engineer (build)', inputs.cloudDays, 0),
      row('engineer (maintenance)', 0, inputs.maintenanceEngineers),
    ],
    steps: [
      {
        name: 'engineer day rate',
        formula: `${inputs.engineerSalaryUsd} USD / ${inputs.workingDaysPerYear} working days`,
        value: cents(dailyRate),
        unit: 'USD/day',
      },
    ],
  };
}

function lookupOrThrow(source: ThroughputSource, inputs: CostInputs, precision: Precision): Throughput {
  const found = source.lookup({ model: inputs.model, inputWidth: inputs.inputWidth, inputHeight: inputs.inputHeight, precision, gpu: inputs.gpu });
  if (!found.ok) throw new UsageError(found.reason);
  return withDecodeOverride(found.throughput, inputs);
}

function withDecodeOverride(t: Throughput, inputs: CostInputs): Throughput {
  if (inputs.decodeFps === undefined) return t;
  return { ...t, decodeFps: inputs.decodeFps, description: `${t.description}; decode ${inputs.decodeFps} fps per VM from --decode-fps` };
}

interface Core {
  fleet: Fleet;
  running: Running;
  monthlyTotal: number | null;
  videoMinutesPerMonth: number;
  costPerVideoMinute: number | null;
}

function core(inputs: CostInputs, prices: PriceTable, t: Throughput, maintenanceMonthly: number): Core {
  const fleet = sizeFleet(inputs, t);
  const running = runningCosts(inputs, prices, fleet.gpus);
  const monthlyTotal = fleet.gpus === null ? null : cents(running.infrastructure + maintenanceMonthly);
  const videoMinutesPerMonth = (inputs.videosPerDay * DAYS_PER_MONTH * inputs.durationSeconds) / 60;
  const costPerVideoMinute = monthlyTotal === null || videoMinutesPerMonth === 0 ? null : round4(monthlyTotal / videoMinutesPerMonth);
  return { fleet, running, monthlyTotal, videoMinutesPerMonth, costPerVideoMinute };
}

/**
 * The whole estimate: throughput → GPUs → monthly line items → people → totals → unit costs → sensitivity.
 * Pure: the price table and the throughput source come in as values.
 */
export function estimateCost(inputs: CostInputs, prices: PriceTable, source: ThroughputSource): CostEstimate {
  const throughput = lookupOrThrow(source, inputs, inputs.precision);
  const { people, steps: peopleSteps } = peopleCosts(inputs);
  const maintenanceMonthly = cents(people.reduce((s, p) => s + p.monthlyUsd, 0));
  const buildTotal = cents(people.reduce((s, p) => s + p.buildUsd, 0));
  const main = core(inputs, prices, throughput, maintenanceMonthly);
  const { fleet, running } = main;
  const videosPerMonth = inputs.videosPerDay * DAYS_PER_MONTH;
  const feasible = fleet.gpus !== null;
  const warnings = [...fleet.warnings];
  if (source.kind === 'table') warnings.push('throughput is a built-in estimate of inference alone, not a measurement: run tally bench --profile-out FILE and pass --profile FILE');
  if (throughput.decodeFps === undefined && throughput.pipelineFps === undefined) {
    warnings.push('decode is not bounded (no decode or pipeline rate known): the GPU count is a lower bound; pass --decode-fps or a profile with decodeFps');
  } else if (throughput.decodeFps === undefined && inputs.stride > 1) {
    warnings.push(`the pipeline rate is scaled by stride ${inputs.stride} without a decode rate: decoding every frame may bound it; pass --decode-fps`);
  }

  const monthly = main.monthlyTotal === null ? null : { infrastructure: running.infrastructure, people: maintenanceMonthly, total: main.monthlyTotal };
  const costPerVideoMinute = main.costPerVideoMinute;
  const costPerVideoMinuteInfrastructure = !monthly || main.videoMinutesPerMonth === 0 ? null : round4(monthly.infrastructure / main.videoMinutesPerMonth);
  const breakEven =
    !monthly || main.videoMinutesPerMonth === 0
      ? null
      : round4((monthly.total + buildTotal / inputs.amortizeMonths) / main.videoMinutesPerMonth / (1 - inputs.margin));

  const steps: Step[] = [...fleet.steps, ...running.steps, ...peopleSteps];
  if (monthly) {
    steps.push(
      { name: 'monthly infrastructure', formula: 'sum of line items', value: monthly.infrastructure, unit: 'USD/month' },
      { name: 'monthly people (maintenance)', formula: `${inputs.maintenanceEngineers} × ${inputs.engineerSalaryUsd} / 12`, value: monthly.people, unit: 'USD/month' },
      { name: 'monthly total', formula: `${monthly.infrastructure} + ${monthly.people}`, value: monthly.total, unit: 'USD/month' },
      {
        name: 'video-minutes per month',
        formula: `${round4(videosPerMonth)} videos × ${inputs.durationSeconds} s / 60`,
        value: round4(main.videoMinutesPerMonth),
        unit: 'min',
      },
    );
    if (costPerVideoMinute !== null && breakEven !== null) {
      steps.push(
        { name: 'cost per video-minute', formula: `${monthly.total} / ${round4(main.videoMinutesPerMonth)}`, value: costPerVideoMinute, unit: 'USD/min' },
        {
          name: 'break-even price per minute',
          formula: `(${monthly.total} + build ${buildTotal} / ${inputs.amortizeMonths} months) / ${round4(main.videoMinutesPerMonth)} / (1 - margin ${inputs.margin})`,
          value: breakEven,
          unit: 'USD/min',
        },
      );
    }
  }

  const shape = VM_SHAPES[inputs.gpu];
  const estimate: CostEstimate = {
    feasible,
    throughputSource: { kind: source.kind, description: source.description, entry: throughput.description },
    throughput: { ...throughput, boundBy: fleet.boundBy, perVideoSeconds: round4(fleet.perVideoSeconds) },
    gpus: fleet.gpus,
    vm: {
      machineType: shape.machineType,
      accelerator: shape.accelerator,
      count: fleet.gpus,
      hourlyUsd: Math.round(shape.priceKeys.reduce((s, k) => s + price(prices, k), 0) * 1e6) / 1e6,
    },
    appVms: { machineType: APP_VM.machineType, count: running.appVms },
    steps,
    lineItems: running.lineItems,
    people,
    build: { total: buildTotal },
    monthly,
    firstYearTotal: monthly ? cents(buildTotal + 12 * monthly.total) : null,
    videosPerMonth: round4(videosPerMonth),
    videoMinutesPerMonth: round4(main.videoMinutesPerMonth),
    costPerVideo: !monthly || videosPerMonth === 0 ? null : round4(monthly.total / videosPerMonth),
    costPerVideoMinute,
    costPerVideoMinuteInfrastructure,
    breakEvenPricePerMinute: breakEven,
    sensitivity: sensitivity(inputs, prices, source, maintenanceMonthly),
    priceTable: { id: prices.id, currency: prices.currency, note: prices.note },
    warnings,
  };
  if (!feasible) estimate.impossible = { reason: fleet.impossibleReason! };
  return estimate;
}

/** Each key figure at stride 1, 2 and 4, in fp16 and fp32, everything else unchanged. */
function sensitivity(inputs: CostInputs, prices: PriceTable, source: ThroughputSource, maintenanceMonthly: number): SensitivityRow[] {
  const rows: SensitivityRow[] = [];
  for (const precision of ['fp16', 'fp32'] as const) {
    const found = source.lookup({ model: inputs.model, inputWidth: inputs.inputWidth, inputHeight: inputs.inputHeight, precision, gpu: inputs.gpu });
    for (const stride of [1, 2, 4]) {
      if (!found.ok) {
        rows.push({ stride, precision, feasible: false, reason: found.reason, perVideoSeconds: null, gpus: null, monthlyTotal: null, costPerVideoMinute: null });
        continue;
      }
      const variant = { ...inputs, stride, precision };
      const c = core(variant, prices, withDecodeOverride(found.throughput, variant), maintenanceMonthly);
      const row: SensitivityRow = {
        stride,
        precision,
        feasible: c.fleet.gpus !== null,
        perVideoSeconds: round4(c.fleet.perVideoSeconds),
        gpus: c.fleet.gpus,
        monthlyTotal: c.monthlyTotal,
        costPerVideoMinute: c.costPerVideoMinute,
      };
      if (c.fleet.gpus === null) {
        row.reason = `impossible: one video takes ${round4(c.fleet.perVideoSeconds)} s (${c.fleet.boundBy}) > the ${variant.deadlineMinutes * 60} s deadline`;
      }
      rows.push(row);
    }
  }
  return rows;
}
