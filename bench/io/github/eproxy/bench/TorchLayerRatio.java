package io.github.eproxy.bench;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import java.util.function.BiFunction;

/**
 * Which layers make up the gap to libtorch: {@link TorchRatio}'s paired measurement (ours, then
 * libtorch, back to back, the median of the per-pair ratios) on small networks made of one kind of
 * layer at each NB201 stage's shape (batch 16), trained for the default 10 iterations. Each network
 * is two of the layers under test; where the layer has no weights of its own, each is preceded by a
 * 1x1 convolution so that there is something to train. {@code head} is the default Eproxy head on the
 * final stage's output: 1x1 transform to 512 channels, ReLU, batch norm, frozen 3x3 barrier to 64.
 *
 * <pre>java -cp target/benchmarks.jar io.github.eproxy.bench.TorchLayerRatio [pairs [threads]]</pre>
 */
public final class TorchLayerRatio {
    private TorchLayerRatio() {
    }

    private record Kind(String name, BiFunction<NetBuilder, Integer, Integer> layer) {
    }

    private static final Kind[] KINDS = {
        new Kind("conv3x3", (b, x) -> b.conv(x, b.shape(x).c(), 3, 1, 1, false)),
        new Kind("conv1x1", (b, x) -> b.conv(x, b.shape(x).c(), 1, 1, 0, false)),
        new Kind("relu-conv3x3-bn", (b, x) -> b.batchNorm(b.conv(b.relu(x), b.shape(x).c(), 3, 1, 1, false), false)),
        new Kind("conv1x1, bn", (b, x) -> b.batchNorm(pointwise(b, x), false)),
        new Kind("conv1x1, relu", (b, x) -> b.relu(pointwise(b, x))),
        new Kind("conv1x1, avg_pool_3x3", (b, x) -> b.avgPool(pointwise(b, x), 3, 1, 1)),
    };

    private static int pointwise(NetBuilder b, int x) {
        return b.conv(x, b.shape(x).c(), 1, 1, 0, false);
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int[][] stages = {{16, 32}, {32, 16}, {64, 8}};
        try (CpuBackend cpu = new CpuBackend(threads)) {
            TorchReference torch = new TorchReference(threads);
            System.out.println(threads + " thread(s) each, " + pairs + " pairs");
            System.out.println("layers | channels@side | median ours ms | median libtorch ms | median ours/libtorch");
            for (Kind kind : KINDS) {
                for (int[] stage : stages) {
                    Shape in = new Shape(16, stage[0], stage[1], stage[1]);
                    NetBuilder b = new NetBuilder(in);
                    int y = kind.layer().apply(b, kind.layer().apply(b, b.input()));
                    b.mseLoss(y, 0, 1);
                    report(cpu, torch, b, in, y, kind.name(), pairs, threads);
                }
            }
            Shape in = new Shape(16, 64, 8, 8);
            NetBuilder b = new NetBuilder(in);
            int mid = b.batchNorm(b.relu(b.conv(b.input(), 512, 1, 1, 0, true)), true);
            int y = b.frozen(true).conv(mid, 64, 3, 1, 1, true);
            b.frozen(false).mseLoss(y, 0, 1);
            report(cpu, torch, b, in, y, "head (transform 512, barrier 64)", pairs, threads);
        }
    }

    private static void report(CpuBackend cpu, TorchReference torch, NetBuilder b, Shape in, int output, String name,
            int pairs, int threads) {
        Plan plan = new Planner(threads, true).plan(b.build());
        float[] input = new float[in.numel()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) Math.sin(i);
        }
        TrainingRun run = new TrainingRun(plan, ParamInit.initialValues(plan, 1), input,
                new float[][] {new float[b.shape(output).numel()]}, new SgdSettings(1e-3f, 0.9f, 0f), 10);
        TorchRatio.Pairs p = TorchRatio.measure(cpu, torch, run, pairs);
        System.out.printf("%s | %d@%d | %.1f | %.1f | %.2f%n", name, in.c(), in.h(), TorchRatio.median(p.ours()),
                TorchRatio.median(p.theirs()), TorchRatio.median(p.ratios()));
    }
}
