package io.github.eproxy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.search.Dps;
import io.github.eproxy.search.Rea;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.stats.Ranking;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dps", mixinStandardHelpOptions = true,
        description = "Discrete Proxy Search: evolve Eproxy's configuration on a few benchmarked architectures, "
                + "then compare the found configuration with the base one (--config, or the plain defaults) on a disjoint sample.")
final class DpsCommand implements Callable<Integer> {
    @Mixin
    ProxyOptions proxy;

    @Option(names = "--train", defaultValue = "20", description = "Training architectures (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--cycles", defaultValue = "60",
            description = "Mutations after the random initial population (default: ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--population", defaultValue = "40", description = "Population size (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--tournament", defaultValue = "10", description = "Tournament sample size (default: ${DEFAULT-VALUE}).")
    int tournament;

    @Option(names = "--max-width", defaultValue = "512",
            description = "Largest transform/barrier width drawn (default: ${DEFAULT-VALUE}, as the paper).")
    int maxWidth;

    @Option(names = "--eval", defaultValue = "200", description = "Disjoint evaluation architectures (default: ${DEFAULT-VALUE}).")
    int eval;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the draws and the evolution (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out-dir", description = "Output folder (default: eproxy-dps-<space>).")
    Path outDir;

    @Option(names = "--resume", description = "Continue an interrupted run in --out-dir.")
    boolean resume;

    @Override
    public Integer call() {
        SearchSpace space = proxy.searchSpace();
        List<Benchmark.Entry> table = Benchmark.load(space);
        if (train < 3 || eval < 2 || train + eval > table.size()) {
            throw new IllegalArgumentException("need --train >= 3, --eval >= 2 and --train + --eval <= " + table.size());
        }
        if (population < 1 || tournament < 1 || tournament > population || cycles < 0) {
            throw new IllegalArgumentException("need 1 <= --tournament <= --population and --cycles >= 0, got --tournament "
                    + tournament + ", --population " + population + ", --cycles " + cycles);
        }
        List<Benchmark.Entry> drawn = EvaluateCommand.draw(table, train + eval, seed);
        List<Benchmark.Entry> trainSet = drawn.subList(0, train);
        List<Benchmark.Entry> evalSet = drawn.subList(train, train + eval);
        Path dir = outDir != null ? outDir : Path.of("eproxy-dps-" + space.name());
        ObjectNode settings = RunSettings.of(proxy, proxy.backend());
        settings.put("train", train);
        settings.put("eval", eval);
        settings.put("population", population);
        settings.put("tournament", tournament);
        settings.put("maxWidth", maxWidth);
        settings.put("seed", seed);
        RunSettings.record(dir.resolve("settings.json"), settings, resume);
        long start = System.nanoTime();
        Dps dps = new Dps(space, trainSet, proxy.eproxyConfig(), maxWidth, proxy.concurrency(), proxy.backend());
        int total = population + cycles;
        Progress progress = new Progress("dps", total, 0);
        Rea<EproxyConfig> rea = dps.run(total, population, tournament, seed, dir.resolve("history.jsonl"), resume,
                m -> progress.step());
        double searchSeconds = (System.nanoTime() - start) / 1e9;
        EproxyConfig best = rea.best().candidate();
        TextFile.write(dir.resolve("best.json"), best.toJson());
        boolean charted = plot(dir.resolve("fitness.png"), rea.history());

        List<Architecture> evalArchs = new ArrayList<>();
        double[] acc = new double[eval];
        for (int i = 0; i < eval; i++) {
            evalArchs.add(evalSet.get(i).arch());
            acc[i] = evalSet.get(i).accuracy();
        }
        Ranking.Quality found = quality(space, best, evalArchs, acc, dir.resolve("eval-found.jsonl"));
        Ranking.Quality plain = quality(space, proxy.eproxyConfig(), evalArchs, acc, dir.resolve("eval-base.jsonl"));

        System.out.printf("DPS on %s: %d configurations in %.0f s; best training rho %.3f (step %d)%n", space.name(),
                rea.history().size(), searchSeconds, rea.best().fitness(), rea.best().step());
        System.out.printf("on %d disjoint architectures: %-8s %8s %8s %8s%n", eval, "config", "spearman", "kendall", "top10%");
        System.out.printf("%38s %-8s %8.3f %8.3f %7.0f%%%n", "", "found", found.spearman(), found.kendall(), 100 * found.top10());
        System.out.printf("%38s %-8s %8.3f %8.3f %7.0f%%%n", "", "base", plain.spearman(), plain.kendall(), 100 * plain.top10());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode summary = json.createObjectNode();
        summary.put("space", space.name());
        summary.put("configurations", rea.history().size());
        summary.put("searchSeconds", searchSeconds);
        summary.put("bestTrainingRho", rea.best().fitness());
        summary.set("found", json.valueToTree(found));
        summary.set("base", json.valueToTree(plain));
        TextFile.write(dir.resolve("summary.json"), summary.toPrettyString());
        System.out.println("wrote " + dir.resolve("best.json") + ", history.jsonl, " + (charted ? "fitness.png, " : "") + "summary.json");
        return 0;
    }

    private Ranking.Quality quality(SearchSpace space, EproxyConfig config, List<Architecture> archs, double[] acc, Path out) {
        try (Eproxy eproxy = Eproxy.builder().space(space).config(config).threads(proxy.threads())
                .concurrency(proxy.concurrency()).backend(proxy.backend()).build()) {
            Map<String, io.github.eproxy.proxy.Score> scores = BatchScorer.run(eproxy, archs, out, true);
            double[] s = new double[archs.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = scores.get(archs.get(i).id()).score();
            }
            return Ranking.evaluate(s, acc);
        }
    }

    private static boolean plot(Path file, List<Rea.Member<EproxyConfig>> history) {
        List<Double> x = new ArrayList<>();
        List<Double> best = new ArrayList<>();
        double so = Double.NEGATIVE_INFINITY;
        for (Rea.Member<EproxyConfig> m : history) {
            so = Math.max(so, m.rank());
            x.add((double) m.step() + 1);
            best.add(Double.isFinite(so) ? so : -1.0);
        }
        XYChart chart = new XYChartBuilder().width(800).height(500).title("DPS: best training rho so far")
                .xAxisTitle("configurations evaluated").yAxisTitle("Spearman rho").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("best", x, best);
        return PngFile.write(file, chart);
    }
}
