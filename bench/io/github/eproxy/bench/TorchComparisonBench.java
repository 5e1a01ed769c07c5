package io.github.eproxy.bench;

import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
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
 * Our CPU backend against libtorch on the same Eproxy training runs (default configuration, NB201
 * cells of {@link TorchParity}): one operation is one architecture's whole run, 10 forward passes
 * and 9 backward passes and updates, from prepared initial weights, batch and targets; planning and
 * target synthesis are outside the timer for both. Same thread count for both engines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class TorchComparisonBench {
    /** Index into {@link TorchParity#CELLS}. */
    @Param({"0", "1", "2", "3", "4"})
    public int cell;

    @Param({"ours", "libtorch"})
    public String engine;

    @Param({"1"})
    public int threads;

    private TrainingRun run;
    private CpuBackend cpu;
    private TorchReference torch;

    @Setup(Level.Trial)
    public void setup() {
        Nb201 space = new Nb201();
        try (Eproxy eproxy = Eproxy.builder().space(space).config(EproxyConfig.DEFAULT).threads(threads).concurrency(1).build()) {
            run = eproxy.trainingRun(space.parse(TorchParity.CELLS.get(cell)), threads);
        }
        if (engine.equals("ours")) {
            cpu = new CpuBackend(threads);
        } else {
            torch = new TorchReference(threads);
        }
    }

    @Benchmark
    public LossCurve train() {
        return cpu != null ? cpu.train(run) : torch.train(run);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (cpu != null) {
            cpu.close();
        }
    }
}
