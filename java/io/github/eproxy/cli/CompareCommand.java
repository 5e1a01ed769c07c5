package io.github.eproxy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.proxy.baselines.EproxyProxy;
import io.github.eproxy.proxy.baselines.FlopsProxy;
import io.github.eproxy.proxy.baselines.Fisher;
import io.github.eproxy.proxy.baselines.GradNorm;
import io.github.eproxy.proxy.baselines.Grasp;
import io.github.eproxy.proxy.baselines.Naswot;
import io.github.eproxy.proxy.baselines.Snip;
import io.github.eproxy.proxy.baselines.Synflow;
import io.github.eproxy.proxy.baselines.Zen;
import io.github.eproxy.proxy.baselines.Zico;
import io.github.eproxy.proxy.baselines.ParamsProxy;
import io.github.eproxy.proxy.baselines.ZeroCostProxy;
import io.github.eproxy.search.Journal;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.stats.Ranking;
import io.github.eproxy.util.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Score one sample of a benchmark table with several proxies, in the same engine and with the same "
                + "timer, and tabulate Spearman, Kendall, top-10%% retrieval and ms per architecture. The engine is the CPU; "
                + "--backend cuda moves Eproxy and the baselines to the GPU (flops and params only count), and the table's "
                + "engine column says where each proxy ran.")
final class CompareCommand implements Callable<Integer> {
    static final List<String> KNOWN = List.of("eproxy", "synflow", "naswot", "zen", "zico", "snip", "grasp", "fisher",
            "grad_norm", "flops", "params");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ProxyOptions proxy;

    @Option(names = "--proxies", defaultValue = "eproxy,synflow,naswot,zen,zico,snip,grasp,fisher,grad_norm,flops,params",
            split = ",", description = "Proxies to compare, from: eproxy, synflow, naswot, zen, zico, snip, grasp, fisher, "
            + "grad_norm, flops, params (default: all).")
    List<String> proxies;

    @Option(names = "--sample", defaultValue = "200", description = "Architectures drawn from the table (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out-dir", description = "Where <proxy>.jsonl, compare.md, compare.csv and compare.png go "
            + "(default: eproxy-compare-<space>).")
    Path outDir;

    @Option(names = "--resume", description = "Continue an interrupted run in --out-dir.")
    boolean resume;

    /** One proxy's outcome on the sample. */
    record Row(String proxy, String engine, Ranking.Quality quality, double medianMs, double p90Ms) {
    }

    @Override
    public Integer call() throws Exception {
        if (proxies.isEmpty()) {
            throw new IllegalArgumentException("--proxies names no proxy (known: " + String.join(", ", KNOWN) + ")");
        }
        for (int i = 0; i < proxies.size(); i++) {
            String p = proxies.get(i);
            if (!KNOWN.contains(p)) {
                throw new IllegalArgumentException("unknown proxy '" + p + "' (known: " + String.join(", ", KNOWN) + ")");
            }
            if (proxies.indexOf(p) < i) {
                throw new IllegalArgumentException("--proxies names '" + p + "' twice");
            }
        }
        SearchSpace space = proxy.searchSpace();
        List<Benchmark.Entry> table = Benchmark.load(space);
        if (sample < 2 || sample > table.size()) {
            throw new IllegalArgumentException("--sample must be in 2.." + table.size() + ", got " + sample);
        }
        List<Benchmark.Entry> drawn = EvaluateCommand.draw(table, sample, seed);
        double[] acc = new double[sample];
        for (int i = 0; i < sample; i++) {
            acc[i] = drawn.get(i).accuracy();
        }
        Path dir = outDir != null ? outDir : Path.of("eproxy-compare-" + space.name());
        RunSettings.record(dir.resolve("settings.json"), RunSettings.of(proxy, engine()), resume);
        List<Row> rows = new ArrayList<>();
        try (BackendPool engines = BackendPool.of(engine())) {
            for (String name : proxies) {
                try (ZeroCostProxy p = create(name, engines)) {
                    rows.add(run(p, drawn, acc, dir.resolve(name + ".jsonl")));
                }
            }
        }
        String md = markdown(space, rows);
        System.out.print(md);
        TextFile.write(dir.resolve("compare.md"), md);
        TextFile.write(dir.resolve("compare.csv"), csv(rows));
        boolean charted = plot(dir.resolve("compare.png"), space, rows);
        System.out.println("wrote " + dir.resolve("compare.md") + ", compare.csv" + (charted ? ", compare.png" : "")
                + " and one JSON Lines file per proxy");
        return 0;
    }

    /**
     * The CPU, where every proxy can run, so that the timings compare like with like, unless the
     * user asks for the GPU by name.
     */
    private BackendChoice engine() {
        return proxy.cudaRequested() ? proxy.backend() : BackendChoice.CPU;
    }

    /** The proxy {@code name}, its passes on {@code engines} (Eproxy: on backends of its own, of the same engine). */
    private ZeroCostProxy create(String name, BackendPool engines) {
        switch (name) {
            case "eproxy":
                return new EproxyProxy(proxy.build(engine()));
            case "synflow":
                return new Synflow(proxy.eproxyConfig(), engines);
            case "naswot":
                return new Naswot(proxy.eproxyConfig(), engines);
            case "zen":
                return new Zen(proxy.eproxyConfig(), engines);
            case "zico":
                return new Zico(proxy.eproxyConfig(), engines);
            case "snip":
                return new Snip(proxy.eproxyConfig(), engines);
            case "grasp":
                return new Grasp(proxy.eproxyConfig(), engines);
            case "fisher":
                return new Fisher(proxy.eproxyConfig(), engines);
            case "grad_norm":
                return new GradNorm(proxy.eproxyConfig(), engines);
            case "flops":
                return new FlopsProxy();
            default:
                return new ParamsProxy();
        }
    }

    /** Scores the sample (resuming from {@code file}), {@code --concurrency} at a time, and judges the ranking. */
    private Row run(ZeroCostProxy p, List<Benchmark.Entry> drawn, double[] acc, Path file) throws Exception {
        Map<String, double[]> done = new HashMap<>();
        try (Journal journal = new Journal(file, resume)) {
            for (Map.Entry<String, double[]> d : journal.earlier(r -> Map.entry(Journal.field(r, "arch", false).asText(),
                    new double[] {Journal.number(r, "score", Double.NaN), Journal.field(r, "ms", true).asDouble()}))) {
                done.put(d.getKey(), d.getValue());
            }
            Progress progress = new Progress(p.name(), drawn.size(), done.size());
            List<Supplier<Void>> tasks = new ArrayList<>();
            for (Benchmark.Entry e : drawn) {
                if (done.containsKey(e.arch().id())) {
                    continue;
                }
                tasks.add(() -> {
                    long start = System.nanoTime();
                    double s = p.score(e.arch());
                    double ms = (System.nanoTime() - start) / 1e6;
                    ObjectNode o = JSON.createObjectNode();
                    o.put("arch", e.arch().id());
                    if (Double.isFinite(s)) {
                        o.put("score", s);
                    } else {
                        o.putNull("score");
                    }
                    o.put("ms", ms);
                    journal.append(o);
                    synchronized (done) {
                        done.put(e.arch().id(), new double[] {s, ms});
                    }
                    progress.step();
                    return null;
                });
            }
            Tasks.runAll(proxy.concurrency(), "eproxy-" + p.name(), tasks);
        }
        double[] scores = new double[drawn.size()];
        double[] ms = new double[drawn.size()];
        for (int i = 0; i < scores.length; i++) {
            double[] r = done.get(drawn.get(i).arch().id());
            // Non-finite scores (written as null) rank last whatever the proxy's direction.
            double s = Double.isFinite(r[0]) ? r[0] : (p.higherIsBetter() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            scores[i] = p.higherIsBetter() ? -s : s;
            ms[i] = r[1];
        }
        Arrays.sort(ms);
        return new Row(p.name(), p.engine(), Ranking.evaluate(scores, acc), EvaluateCommand.percentile(ms, 0.5),
                EvaluateCommand.percentile(ms, 0.9));
    }

    static String markdown(SearchSpace space, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| proxy (").append(space.name())
                .append(") | engine | Spearman ρ | Kendall τ | top-10% | median ms/arch | p90 ms/arch |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format("| %s | %s | %.3f | %.3f | %.0f%% | %.1f | %.1f |%n", r.proxy(), r.engine(), r.quality().spearman(),
                    r.quality().kendall(), 100 * r.quality().top10(), r.medianMs(), r.p90Ms()));
        }
        return sb.toString();
    }

    static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("proxy,engine,spearman,kendall,top10,median_ms,p90_ms\n");
        for (Row r : rows) {
            sb.append(String.format("%s,%s,%.6f,%.6f,%.4f,%.3f,%.3f%n", r.proxy(), r.engine(), r.quality().spearman(), r.quality().kendall(),
                    r.quality().top10(), r.medianMs(), r.p90Ms()));
        }
        return sb.toString();
    }

    private static boolean plot(Path file, SearchSpace space, List<Row> rows) {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500).title("Spearman rho on " + space.name())
                .xAxisTitle("proxy").yAxisTitle("Spearman rho").build();
        chart.getStyler().setLegendVisible(false);
        List<String> names = new ArrayList<>();
        List<Double> rho = new ArrayList<>();
        for (Row r : rows) {
            names.add(r.proxy());
            rho.add(Double.isNaN(r.quality().spearman()) ? 0 : r.quality().spearman());
        }
        chart.addSeries("rho", names, rho);
        return PngFile.write(file, chart);
    }
}
