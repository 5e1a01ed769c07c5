package io.github.eproxy.bench;

import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward and backward of 3x3 convolutions at NAS-Bench-201's shapes (batch 16): two stacked
 * conv3x3 layers (C -> C, padding 1) trained with an MSE loss. One operation is a two-iteration
 * run (forward, backward, SGD step, forward): 7 convolution products, namely 4 forward, the weight
 * gradients of both layers and the input gradient of the second (the first layer's input is the
 * image, which needs none). GFLOP/s = 7 * 2 * 16 * C * C * 9 * H * W / time. Compare with
 * {@link SgemmBaselineBench} at the same shapes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConvLayerBench {
    /** channels@side: the three NB201 stages. */
    @Param({"16@32", "32@16", "64@8"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private CpuBackend cpu;
    private TrainingRun run;

    @Setup(Level.Trial)
    public void setup() {
        int c = Integer.parseInt(shape.split("@")[0]);
        int side = Integer.parseInt(shape.split("@")[1]);
        NetBuilder b = new NetBuilder(new Shape(16, c, side, side));
        int y = b.conv(b.conv(b.input(), c, 3, 1, 1, false), c, 3, 1, 1, false);
        b.mseLoss(y, 0, 1);
        Plan plan = new Planner(threads, true).plan(b.build());
        float[] input = new float[16 * c * side * side];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) Math.sin(i);
        }
        cpu = new CpuBackend(threads);
        // two iterations: forward, backward, update, forward
        run = new TrainingRun(plan, ParamInit.initialValues(plan, 1), input, new float[][] {new float[input.length]},
                new SgdSettings(1e-3f, 0.9f, 0f), 2);
    }

    @Benchmark
    public LossCurve forwardBackward() {
        return cpu.train(run);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }
}
// HOW TO RUN: mvn -B -q -Pbench package -DskipTests && java -jar target/benchmarks.jar ConvLayerBench
