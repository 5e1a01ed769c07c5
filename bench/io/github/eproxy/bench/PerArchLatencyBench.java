package io.github.eproxy.bench;

import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.proxy.Score;
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
 * Milliseconds to score one architecture with the default Eproxy configuration on the CPU backend,
 * one architecture at a time. Each operation scores the next of 60 uniformly drawn architectures
 * (seed 7, non-degenerate ones included as drawn), so JMH's sample-time percentiles are the
 * distribution over architectures: p0.50 is the median ms/arch, p0.90 the 90th percentile.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 30)
@Measurement(iterations = 3, time = 60)
@Fork(1)
public class PerArchLatencyBench {
    @Param({"nb201", "nb101"})
    public String space;

    @Param({"2"})
    public int threads;

    private Eproxy eproxy;
    private final List<Architecture> archs = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        SearchSpace s = SearchSpace.named(space);
        archs.addAll(Archs.uniform(s, 60, 7));
        eproxy = Eproxy.builder().space(s).config(EproxyConfig.defaultFor(s)).threads(threads).build();
    }

    @Benchmark
    public Score scoreOne() {
        Score score = eproxy.score(archs.get(next));
        next = (next + 1) % archs.size();
        return score;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eproxy.close();
    }
}
// HOW TO RUN: mvn -B -q -Pbench package -DskipTests && java -jar target/benchmarks.jar PerArchLatencyBench
