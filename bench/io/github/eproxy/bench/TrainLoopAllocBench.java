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
import io.github.eproxy.searchspace.Nb201;
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
 * Heap allocation of the training loop. Run with {@code -prof gc}: gc.alloc.rate.norm (B/op) of a
 * 12-iteration run minus that of a 2-iteration run, divided by 10, is what one iteration allocates
 * (expected 0; what remains per run is the per-architecture set-up: step objects, loss arrays).
 * A small NB201 network (stem 4) keeps the operation short.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TrainLoopAllocBench {
    @Param({"2", "12"})
    public int iterations;

    private CpuBackend cpu;
    private TrainingRun run;

    @Setup(Level.Trial)
    public void setup() {
        NetBuilder b = new NetBuilder(new Shape(16, 3, 32, 32));
        int[] taps = new Nb201(4).parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|").build(b);
        b.mseLoss(taps[0], 0, 1);
        Plan plan = new Planner(2, true).plan(b.build());
        cpu = new CpuBackend(2);
        float[] input = new float[16 * 3 * 32 * 32];
        run = new TrainingRun(plan, ParamInit.initialValues(plan, 1), input, new float[][] {new float[16 * 16 * 64]},
                new SgdSettings(0.1f, 0.9f, 4e-5f), iterations);
    }

    @Benchmark
    public LossCurve train() {
        return cpu.train(run);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }
}
// HOW TO RUN: mvn -B -q -Pbench package -DskipTests && java -jar target/benchmarks.jar TrainLoopAllocBench -prof gc
