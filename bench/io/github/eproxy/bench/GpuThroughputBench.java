package io.github.eproxy.bench;

import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.SearchSpace;
import java.util.ArrayList;
import java.util.List;
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
 * Batch scoring on the GPU: one operation scores {@value #BATCH} uniformly drawn architectures
 * (seed 11) with {@code concurrency} of them in flight, each on its own executor and CUDA stream.
 * Architectures per second = {@value #BATCH} / (seconds per operation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class GpuThroughputBench {
    static final int BATCH = 128;

    @Param({"nb201"})
    public String space;

    @Param({"1", "4", "8", "16"})
    public int concurrency;

    private Eproxy eproxy;
    private final List<Architecture> archs = new ArrayList<>();

    @Setup(Level.Trial)
    public void setup() {
        SearchSpace s = SearchSpace.named(space);
        archs.addAll(Archs.uniform(s, BATCH, 11));
        eproxy = Eproxy.builder().space(s).config(EproxyConfig.DEFAULT).threads(1).concurrency(concurrency)
                .backend(BackendChoice.CUDA).build();
    }

    @Benchmark
    public int scoreBatch() {
        return eproxy.scoreAll(archs, s -> { }).size();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eproxy.close();
    }
}
