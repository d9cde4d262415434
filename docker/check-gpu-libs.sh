#!/bin/sh
# Fails the GPU image build when an ONNX Runtime provider library cannot find a library it links to:
# the usual cause is a CUDA_IMAGE whose CUDA major differs from the one the providers were built for
# (e.g. libcublas.so.13 wanted, CUDA 12 installed). libcuda.so.1 comes from the host driver at run
# time, so it may be missing here.
#   check-gpu-libs DIR [WITH_TENSORRT=1]
set -eu
dir=$1
with_trt=${2:-1}
status=0
for lib in libonnxruntime_providers_shared.so libonnxruntime_providers_cuda.so libonnxruntime_providers_tensorrt.so; do
  path="$dir/$lib"
  if [ ! -f "$path" ]; then
    echo "check-gpu-libs: $path is missing" >&2
    status=1
    continue
  fi
  if [ "$lib" = libonnxruntime_providers_tensorrt.so ] && [ "$with_trt" != 1 ]; then
    echo "check-gpu-libs: $lib: not checked (WITH_TENSORRT=$with_trt)"
    continue
  fi
  missing=$(ldd "$path" | awk '/not found/ { print $1 }' | grep -v '^libcuda\.so\.1$' || true)
  if [ -n "$missing" ]; then
    echo "check-gpu-libs: $lib needs libraries this image lacks: $(echo $missing)" >&2
    status=1
  else
    echo "check-gpu-libs: $lib: all libraries found"
  fi
done
exit $status
