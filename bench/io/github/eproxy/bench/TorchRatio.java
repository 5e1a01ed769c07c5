package io.github.eproxy.bench;

import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Nb201;
import java.util.Arrays;
import java.util.List;

/**
 * Ours against libtorch as paired measurements: on a shared virtual machine the speed of the whole
 * machine drifts by tens of percent within minutes, which {@link TorchComparisonBench}'s separate
 * trials (one engine after the other) absorb into their error bars. Here each pair runs the same
 * training run (cells of {@link TorchParity}, default configuration, the same number of threads
 * each: one by default, or both libraries' own default, all cores) through ours and then libtorch
 * back to back, after two warm-up pairs, so both halves of a pair see the same
 * machine; the ratio of each pair is the sample. Prints, per cell, the median ratio and its range,
 * and the geometric mean of the medians over the cells. With {@code sample}, the cells are that many
 * uniform NB201 draws ({@link Archs}, seed {@code seed}) instead, as a batch scored from the benchmark's
 * own distribution would be, and it also prints the ratio of the summed medians (a batch's total time).
 *
 * <pre>java -cp target/benchmarks.jar io.github.eproxy.bench.TorchRatio [pairs [threads [sample [seed]]]]</pre>
 */
public final class TorchRatio {
    private TorchRatio() {
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Nb201 space = new Nb201();
        List<Architecture> cells = args.length > 2
                ? Archs.uniform(space, Integer.parseInt(args[2]), args.length > 3 ? Long.parseLong(args[3]) : 0)
                : TorchParity.CELLS.stream().map(c -> (Architecture) space.parse(c)).toList();
        double logSum = 0;
        double oursTotal = 0;
        double theirsTotal = 0;
        try (Eproxy eproxy = Eproxy.builder().space(space).config(EproxyConfig.DEFAULT).threads(threads)
                .concurrency(1).build();
                CpuBackend cpu = new CpuBackend(threads)) {
            TorchReference torch = new TorchReference(threads);
            System.out.println(threads + " thread(s) each");
            System.out.println("cell | median ours ms | median libtorch ms | median ours/libtorch | min - max ratio | architecture");
            for (int cell = 0; cell < cells.size(); cell++) {
                Pairs p = measure(cpu, torch, eproxy.trainingRun(cells.get(cell), threads), pairs);
                double[] ratio = p.ratios();
                double median = median(ratio);
                logSum += Math.log(median);
                oursTotal += median(p.ours());
                theirsTotal += median(p.theirs());
                System.out.printf("%d | %.0f | %.0f | %.2f | %.2f - %.2f | %s%n", cell, median(p.ours()), median(p.theirs()),
                        median, Arrays.stream(ratio).min().orElseThrow(), Arrays.stream(ratio).max().orElseThrow(),
                        cells.get(cell));
            }
        }
        System.out.printf("geometric mean of the median ratios: %.2f%n", Math.exp(logSum / cells.size()));
        System.out.printf("summed medians, ours / libtorch: %.0f / %.0f ms = %.2f%n", oursTotal, theirsTotal,
                oursTotal / theirsTotal);
    }

    /** Milliseconds per run of ours and of libtorch, pair by pair. */
    record Pairs(double[] ours, double[] theirs) {
        double[] ratios() {
            double[] r = new double[ours.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = ours[i] / theirs[i];
            }
            return r;
        }
    }

    /** Trains {@code run} with ours and then libtorch, {@code pairs} times after two warm-up pairs. */
    static Pairs measure(CpuBackend cpu, TorchReference torch, TrainingRun run, int pairs) {
        double[] ours = new double[pairs];
        double[] theirs = new double[pairs];
        for (int i = -2; i < pairs; i++) {
            long t0 = System.nanoTime();
            cpu.train(run);
            long t1 = System.nanoTime();
            torch.train(run);
            long t2 = System.nanoTime();
            if (i >= 0) {
                ours[i] = (t1 - t0) / 1e6;
                theirs[i] = (t2 - t1) / 1e6;
            }
        }
        return new Pairs(ours, theirs);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
