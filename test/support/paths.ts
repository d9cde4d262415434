import { existsSync } from 'node:fs';
import path from 'node:path';

/** Repository root (this file lives in test/support). */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** Shared data beside the checkout: models, images and videos are never copied into the repo. */
export const sharedDir = process.env.TALLY_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');

export const modelPath =
  process.env.TALLY_MODEL_PATH ??
  (existsSync(path.join(repoRoot, 'models', 'yolov5n.onnx'))
    ? path.join(repoRoot, 'models', 'yolov5n.onnx')
    : path.join(sharedDir, 'models', 'yolov5n.onnx'));

export const dynamicModelPath = path.join(path.dirname(modelPath), 'yolov5n-dynamic.onnx');

export const sharedImage = (name: string): string => path.join(sharedDir, 'images', name);
export const sharedVideo = (name: string): string => path.join(sharedDir, 'videos', name);
