package io.github.eproxy.bench;

import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cuda.NativeBackend;
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
 * Milliseconds per architecture on the GPU at the default configuration, one architecture at a
 * time, over 60 uniformly drawn architectures (seed 7) so that sample-time percentiles are the
 * distribution over architectures. {@code score}: everything {@code Eproxy.score} does (building
 * and planning the net, drawing its initial weights on the CPU, the one native call).
 * {@code train}: the native call alone on prepared runs, with the iteration replayed as a CUDA
 * graph or every kernel launched each time: the difference is the launch overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 1, time = 20)
@Fork(1)
public class GpuLatencyBench {
    @Param({"nb201", "nb101"})
    public String space;

    @Param({"true", "false"})
    public boolean graphs;

    private Eproxy eproxy;
    private NativeBackend backend;
    private final List<Architecture> archs = new ArrayList<>();
    private final List<TrainingRun> runs = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        SearchSpace s = SearchSpace.named(space);
        eproxy = Eproxy.builder().space(s).config(EproxyConfig.DEFAULT).threads(1).backend(BackendChoice.CUDA).build();
        archs.addAll(Archs.uniform(s, 60, 7));
        for (Architecture a : archs) {
            runs.add(eproxy.trainingRun(a, 1));
        }
        backend = graphs ? NativeBackend.cuda() : NativeBackend.cudaWithoutGraphs();
    }

    @Benchmark
    public Score score() {
        Score score = eproxy.score(archs.get(next));
        next = (next + 1) % archs.size();
        return score;
    }

    @Benchmark
    public double train() {
        double loss = backend.train(runs.get(next)).lastEval();
        next = (next + 1) % runs.size();
        return loss;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eproxy.close();
        backend.close();
    }
}
// HOW TO RUN (GPU machine): bench/gpu-check.sh, or java -jar ... GpuLatencyBench
