#!/usr/bin/env bash
# The one script for the GPU machine (no Java, no Maven, no network there). Builds nothing: it
# runs what bench/gpu-bundle.sh packed into .device/ (send it as the device tool's carry):
#   1. the environment: nvidia-smi, the CUDA/cuDNN libraries found, the host CPU's OpenBLAS
#      fingerprint (README, "Reproducing the numbers on another machine");
#   2. cuDNN's convolutions against the CPU backend (on failure the rest runs without cuDNN);
#   3. the GPU tests: native executor vs CPU backend on every op (graphs on and off), a default
#      NB201 Eproxy run (loss curve within 1e-3), 1,000 architectures without memory growth;
#   4. the floor: measured fp32 rate and bandwidth, FLOPs/bytes per architecture, measured/floor,
#      the per-op time of profiled runs (which kernels to work on next), and per convolution shape
#      and direction the hand-written kernel's and cuDNN's time and which one runs;
#   5. JMH: ms per architecture (NB201, NB101; p50/p90), launch overhead (graphs on/off), and
#      architectures/s with 1/4/8/16 in flight;
#   6. `compare --backend cuda` on 30 NB201 architectures: Eproxy and the baselines on the GPU,
#      ρ and ms per architecture side by side.
# Results go to $OUT (default out/gpu-check): summary.txt, printed last, and logs.tgz with every log.
#   device: bench/gpu-check.sh      (carry: [".device"], timeout_s 590)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out/gpu-check}
mkdir -p "$OUT"
rm -f "$OUT/timing.txt"
D=.device
[ -f "$D/eproxy.jar" ] || { echo "gpu-check: no $D/eproxy.jar; run bench/gpu-bundle.sh here and carry .device" >&2; exit 1; }

if command -v java >/dev/null && [ -z "${GPU_CHECK_BUNDLED_JAVA:-}" ]; then
  JAVA=java
else
  rm -rf /tmp/eproxy-jre && mkdir -p /tmp/eproxy-jre && tar xzf "$D/jre.tgz" -C /tmp/eproxy-jre
  JAVA=/tmp/eproxy-jre/jre/bin/java
fi
NV=$(python3 -c "import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))" 2>/dev/null || true)
if [ -n "$NV" ]; then
  for lib in "$NV"/nvidia/*/lib; do LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"; done
fi
export LD_LIBRARY_PATH="/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"

{
  date -u
  nvidia-smi || echo "nvidia-smi: not available"
  "$JAVA" -version 2>&1
  grep -m1 "model name" /proc/cpuinfo
  grep -m1 -o -w "avx512f" /proc/cpuinfo || echo "no avx512f"
  # the host's OpenBLAS kernels, and whether forcing Haswell's gives the build machine's bits (6d02ebe1)
  "$JAVA" -jar "$D/eproxy.jar" -V 2>&1 | grep fingerprint
  OPENBLAS_CORETYPE=Haswell "$JAVA" -jar "$D/eproxy.jar" -V 2>&1 | sed 's/^/OPENBLAS_CORETYPE=Haswell: /' | grep fingerprint
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  ls "$NV"/nvidia/*/lib 2>/dev/null | grep -E "cudnn|cublas" | head -20
} > "$OUT/environment.txt" 2>&1

# Time limits keep the whole script under ~9.5 minutes (the device tool allows 10 per call).
run_step() {  # name, seconds, command...
  local name=$1 limit=$2 start
  shift 2
  start=$(date +%s)
  timeout "$limit" "$@" > "$OUT/$name.txt" 2>&1
  echo "$name: exit $? after $(( $(date +%s) - start )) s" >> "$OUT/timing.txt"
}
CP="$D/eproxy.jar:$D/tests.jar"
BENCH="$D/eproxy.jar:$D/bench-classes:$D/jmh-core.jar:$D/jopt-simple.jar"
JMH=(-jvmArgs "-Xmx16g" -f 1 -foe true)

# cuDNN first, in a JVM of its own: should loading it or calling it crash the process, every step
# below runs without it (EPROXY_CUDNN=0) and still measures the hand-written kernels.
run_step cudnn 60 "$JAVA" -jar "$D/junit.jar" execute --disable-banner --details=tree --class-path "$CP" \
  --select-method "io.github.eproxy.backend.cuda.NativeExecutorTest#randomConvolutionsThroughCudnnMatchTheCpuBackend(long)" \
  --select-method "io.github.eproxy.backend.cuda.NativeExecutorTest#nb201EproxyRunMatchesTheCpuBackend(java.lang.String)"
if ! grep -q "cudnn: exit 0 " "$OUT/timing.txt"; then
  export EPROXY_CUDNN=0
  echo "cuDNN check failed: the steps below run without cuDNN (EPROXY_CUDNN=0)" >> "$OUT/timing.txt"
fi
run_step tests 185 "$JAVA" -jar "$D/junit.jar" execute --disable-banner --details=tree --class-path "$CP" \
  --select-class io.github.eproxy.backend.cuda.CudaRuntimeTest \
  --select-class io.github.eproxy.backend.cuda.NativeExecutorTest \
  --select-class io.github.eproxy.proxy.baselines.NativeBaselinesTest
run_step floor 60 "$JAVA" -cp "$BENCH" io.github.eproxy.bench.GpuFloor nb201
run_step latency 75 "$JAVA" -cp "$BENCH" org.openjdk.jmh.Main "GpuLatencyBench.score" -p graphs=true "${JMH[@]}" \
  -wi 1 -w 5s -i 1 -r 10s -rf json -rff "$OUT/latency.json"
run_step launch 70 "$JAVA" -cp "$BENCH" org.openjdk.jmh.Main "GpuLatencyBench.train" -p space=nb201 "${JMH[@]}" \
  -wi 1 -w 5s -i 1 -r 10s -rf json -rff "$OUT/launch.json"
run_step throughput 90 "$JAVA" -cp "$BENCH" org.openjdk.jmh.Main "GpuThroughputBench" "${JMH[@]}" -wi 1 -i 2 \
  -rf json -rff "$OUT/throughput.json"
run_step compare 40 "$JAVA" -jar "$D/eproxy.jar" compare --space nb201 --sample 30 --seed 0 --backend cuda \
  --proxies eproxy,synflow,naswot,zen,zico,snip,grasp,fisher,grad_norm,flops,params --out-dir "$OUT/compare"

{
  echo "== environment"; grep -E "NVIDIA H|Driver Version|openjdk version|model name|avx512f|fingerprint" "$OUT/environment.txt"
  echo "== cuDNN check"; grep -E "^cuDNN|tests (successful|failed|aborted)|✘" "$OUT/cudnn.txt" | head -20
  echo "== tests"; grep -E "tests (successful|failed|skipped|aborted)|✘" "$OUT/tests.txt" | head -40
  echo "== floor, profile and conv engines"; tail -n 70 "$OUT/floor.txt"
  echo "== latency (ms/arch, end to end)"; grep -E "^Gpu|p0.(50|90)" "$OUT/latency.txt" | tail -n 20
  echo "== native call alone, graphs on/off (ms/arch)"; grep -E "^Gpu|p0.(50|90)" "$OUT/launch.txt" | tail -n 20
  echo "== throughput (ms per 128 archs)"; grep -E "^Gpu" "$OUT/throughput.txt" | tail -n 8
  echo "== compare on the GPU (30 NB201 archs)"; grep -E "^\||^eproxy" "$OUT/compare.txt" | tail -n 15
  echo "== timing"; cat "$OUT/timing.txt"
} | tee "$OUT/summary.txt"

# The device tool brings back at most 8 files from $OUT: the summary, and every log in one archive.
logs=$(mktemp /tmp/gpu-check-logs.XXXXXX)
tar czf "$logs" -C "$OUT" --exclude=./summary.txt .
find "$OUT" -mindepth 1 -maxdepth 1 ! -name summary.txt -exec rm -rf {} +
chmod 644 "$logs" && mv "$logs" "$OUT/logs.tgz"
