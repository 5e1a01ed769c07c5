package io.github.eproxy.bench;

import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cuda.CudaRuntime;
import io.github.eproxy.backend.cuda.NativeBackend;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.SearchSpace;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * How far a GPU training run is from what the hardware allows. For 20 NB201 architectures at the
 * default configuration: the FLOPs of the 10 iterations (convolution MACs x 2, forward once per
 * iteration and backward, data plus weight gradients, in 9), the bytes a perfectly fused engine
 * would still move (each op reading its inputs and writing its output once per forward, twice
 * that per backward), the floor = max(FLOPs / measured fp32 rate, bytes / measured bandwidth), and
 * the measured time of the native call (median of 5). Prints a Markdown table and the medians,
 * then where the time goes: the per-op milliseconds of a profiled run of each architecture
 * (every step synchronised, so the sum exceeds a normal run's time), summed over the 20, and which
 * engine, the hand-written kernel or cuDNN, each convolution shape runs in each direction.
 * Run on the GPU machine: {@code java -cp ... io.github.eproxy.bench.GpuFloor [space]}.
 */
public final class GpuFloor {
    private GpuFloor() {
    }

    public static void main(String[] args) {
        String spaceName = args.length > 0 ? args[0] : "nb201";
        CudaRuntime.Peak peak = CudaRuntime.measurePeak();
        System.out.printf("measured peak: %.0f GFLOP/s fp32 FMA, %.0f GB/s copy%n", peak.gflops(), peak.gbytesPerSecond());
        SearchSpace space = SearchSpace.named(spaceName);
        EproxyConfig config = EproxyConfig.DEFAULT;
        int iterations = config.iterations();
        double[] floors = new double[20];
        double[] measured = new double[20];
        Map<String, Double> byOp = new HashMap<>();
        System.out.println("| arch | GFLOP | MB moved | floor ms | measured ms | measured/floor |");
        System.out.println("|---|---|---|---|---|---|");
        try (Eproxy eproxy = Eproxy.builder().space(space).config(config).threads(1).build();
                NativeBackend gpu = NativeBackend.cuda()) {
            List<Architecture> archs = Archs.uniform(space, floors.length, 7);
            for (int i = 0; i < floors.length; i++) {
                Architecture arch = archs.get(i);
                TrainingRun run = eproxy.trainingRun(arch, 1);
                Net net = run.plan().net;
                double flops = 2.0 * net.macsPerBatch() * (iterations + 2.0 * (iterations - 1));
                double bytes = 4.0 * touchedFloats(run.plan()) * (iterations + 2.0 * (iterations - 1));
                floors[i] = 1e3 * Math.max(flops / (peak.gflops() * 1e9), bytes / (peak.gbytesPerSecond() * 1e9));
                double[] times = new double[5];
                gpu.train(run);
                for (int r = 0; r < times.length; r++) {
                    long t0 = System.nanoTime();
                    gpu.train(run);
                    times[r] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(times);
                measured[i] = times[times.length / 2];
                gpu.profile(run).forEach((op, ms) -> byOp.merge(op, ms, Double::sum));
                System.out.printf("| %s | %.2f | %.1f | %.3f | %.2f | %.1f |%n", arch.id(), flops / 1e9, bytes / 1e6, floors[i],
                        measured[i], measured[i] / floors[i]);
            }
        }
        Arrays.sort(floors);
        Arrays.sort(measured);
        System.out.printf("median floor %.3f ms, median measured %.2f ms%n", floors[10], measured[10]);
        double total = byOp.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.println("| op, direction | ms over 20 profiled runs | share |");
        System.out.println("|---|---|---|");
        byOp.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf("| %s | %.1f | %.1f%% |%n", e.getKey(), e.getValue(), 100 * e.getValue() / total));
        System.out.println("convolutions (the engine per layer shape and direction):");
        System.out.print(CudaRuntime.convReport());
    }

    /** Floats read and written by one forward pass: every step's inputs and output. */
    private static long touchedFloats(Plan plan) {
        long sum = 0;
        for (int id : plan.forward) {
            Node node = plan.node(id);
            sum += node.shape().numel();
            for (int in : node.inputs()) {
                sum += plan.node(in).shape().numel();
            }
        }
        return sum;
    }
}
