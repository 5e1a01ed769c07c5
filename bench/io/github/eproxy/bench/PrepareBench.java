package io.github.eproxy.bench;

import io.github.eproxy.backend.TrainingRun;
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
 * The Java-side work before any training: building an architecture's network with the default
 * head, planning its memory and drawing its initial weights ({@code Eproxy.trainingRun}). On the
 * CPU it is noise beside seconds of training; on the GPU it sits in the critical path of every
 * architecture (the target there is 10 ms in all). Average over 60 uniformly drawn architectures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class PrepareBench {
    @Param({"nb201", "nb101"})
    public String space;

    private Eproxy eproxy;
    private final List<Architecture> archs = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        SearchSpace s = SearchSpace.named(space);
        archs.addAll(Archs.uniform(s, 60, 7));
        eproxy = Eproxy.builder().space(s).config(EproxyConfig.defaultFor(s)).threads(1).build();
    }

    @Benchmark
    public TrainingRun prepare() {
        TrainingRun run = eproxy.trainingRun(archs.get(next), 1);
        next = (next + 1) % archs.size();
        return run;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eproxy.close();
    }
}
