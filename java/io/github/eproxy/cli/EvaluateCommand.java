package io.github.eproxy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.Score;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.stats.Ranking;
import io.github.eproxy.util.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a random sample of a benchmark table and report how well Eproxy ranks it "
                + "(Spearman, Kendall, top-10%%), next to FLOPs alone.")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ProxyOptions proxy;

    @Option(names = "--sample", defaultValue = "100", description = "Architectures drawn from the table (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--table", description = "Ground-truth table: a bundled name or a JSON file (default: the space's bundled table).")
    String table;

    @Option(names = "--out-dir", description = "Where scores.jsonl, summary.json and scatter.png go (default: eproxy-evaluate-<space>).")
    Path outDir;

    @Option(names = "--resume", description = "Continue an interrupted run in --out-dir.")
    boolean resume;

    @Override
    public Integer call() {
        SearchSpace space = proxy.searchSpace();
        List<Benchmark.Entry> entries = table == null ? Benchmark.load(space) : Benchmark.load(space, table);
        if (sample < 2 || sample > entries.size()) {
            throw new IllegalArgumentException("--sample must be in 2.." + entries.size() + ", got " + sample);
        }
        List<Benchmark.Entry> drawn = draw(entries, sample, seed);
        Path dir = outDir != null ? outDir : Path.of("eproxy-evaluate-" + space.name());
        List<Architecture> archs = new ArrayList<>();
        for (Benchmark.Entry e : drawn) {
            archs.add(e.arch());
        }
        RunSettings.record(dir.resolve("settings.json"), RunSettings.of(proxy, proxy.backend()), resume);
        Map<String, Score> scores;
        try (Eproxy eproxy = proxy.build()) {
            scores = BatchScorer.run(eproxy, archs, dir.resolve("scores.jsonl"), resume);
        }
        double[] proxyScores = new double[sample];
        double[] flopsScores = new double[sample];
        double[] acc = new double[sample];
        double[] ms = new double[sample];
        int degenerate = 0;
        int diverged = 0;
        for (int i = 0; i < sample; i++) {
            Score s = scores.get(drawn.get(i).arch().id());
            proxyScores[i] = s.score();
            flopsScores[i] = -s.macs();
            acc[i] = drawn.get(i).accuracy();
            ms[i] = s.millis();
            degenerate += s.degenerate() ? 1 : 0;
            diverged += s.diverged() ? 1 : 0;
        }
        Ranking.Quality eproxyQ = Ranking.evaluate(proxyScores, acc);
        Ranking.Quality flopsQ = Ranking.evaluate(flopsScores, acc);
        double[] sortedMs = ms.clone();
        Arrays.sort(sortedMs);
        double median = percentile(sortedMs, 0.5);
        double p90 = percentile(sortedMs, 0.9);
        long peakRss = peakRssBytes();

        System.out.printf("%s, %d architectures (seed %d), config %s%n", space.name(), sample, seed,
                proxy.config == null ? "default" : proxy.config);
        System.out.printf("%-8s %8s %8s %8s%n", "proxy", "spearman", "kendall", "top10%");
        System.out.printf("%-8s %8.3f %8.3f %7.0f%%%n", "eproxy", eproxyQ.spearman(), eproxyQ.kendall(), 100 * eproxyQ.top10());
        System.out.printf("%-8s %8.3f %8.3f %7.0f%%%n", "flops", flopsQ.spearman(), flopsQ.kendall(), 100 * flopsQ.top10());
        System.out.printf("degenerate (scored worst): %d, diverged: %d%n", degenerate, diverged);
        String engine = proxy.backend().name().toLowerCase(Locale.ROOT);
        System.out.printf("ms/arch (%s): median %.0f, p90 %.0f; peak RSS %.0f MB%n", engine, median, p90, peakRss / 1e6);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode summary = json.createObjectNode();
        summary.put("space", space.name());
        summary.put("sample", sample);
        summary.put("seed", seed);
        summary.set("config", json.valueToTree(proxy.eproxyConfig()));
        summary.set("eproxy", json.valueToTree(eproxyQ));
        summary.set("flops", json.valueToTree(flopsQ));
        summary.put("degenerate", degenerate);
        summary.put("diverged", diverged);
        summary.put("backend", engine);
        summary.put("medianMs", median);
        summary.put("p90Ms", p90);
        summary.put("peakRssBytes", peakRss);
        try {
            Files.writeString(dir.resolve("summary.json"), json.writeValueAsString(summary));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write summary: " + IoErrors.reason(e), e);
        }
        boolean charted = ScatterPlot.write(dir.resolve("scatter.png"),
                String.format("Eproxy on %s: rho %.3f", space.name(), eproxyQ.spearman()), "Eproxy score (lower is better)",
                proxyScores, acc);
        System.out.println("wrote " + dir.resolve("scores.jsonl") + ", summary.json" + (charted ? ", scatter.png" : ""));
        return 0;
    }

    static List<Benchmark.Entry> draw(List<Benchmark.Entry> entries, int n, long seed) {
        List<Benchmark.Entry> copy = new ArrayList<>(entries);
        Collections.shuffle(copy, new java.util.Random(seed));
        return copy.subList(0, n);
    }

    static double percentile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * (sorted.length - 1) + 0.5))];
    }

    /** The process's peak resident set (Linux VmHWM), or 0 where unknown. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
