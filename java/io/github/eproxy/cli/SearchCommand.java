package io.github.eproxy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.Score;
import io.github.eproxy.search.Journal;
import io.github.eproxy.search.ScoreLog;
import io.github.eproxy.search.nas.ArchitectureSearch;
import io.github.eproxy.search.nas.Oracle;
import io.github.eproxy.search.nas.SearchResult;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.Nb201;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.util.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Proxy-guided architecture search (paper Section 3.5): regularised evolution with Eproxy as fitness, "
                + "then benchmark queries in proxy order; compared, seed by seed, with the same evolution on the "
                + "benchmark's accuracies. Reports the queries needed to find the global optimum (Table 7).")
final class SearchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ProxyOptions proxy;

    @Option(names = "--budget", defaultValue = "500",
            description = "Proxy evaluations per proxy-guided search (default: ${DEFAULT-VALUE}); "
                    + "--resume with a larger budget reuses the scores already computed.")
    int budget;

    @Option(names = "--seeds", defaultValue = "10", description = "Searches per method, seeds 0..N-1 (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--population", defaultValue = "20", description = "Population size (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--tournament", defaultValue = "5", description = "Tournament sample size (default: ${DEFAULT-VALUE}).")
    int tournament;

    @Option(names = "--queries", defaultValue = "10,50,100", split = ",",
            description = "Query budgets at which the best true accuracy is reported (default: ${DEFAULT-VALUE}).")
    int[] queries;

    @Option(names = "--max-rea", defaultValue = "20000",
            description = "Evaluation cap of the evolution on benchmark accuracies (default: ${DEFAULT-VALUE}).")
    int maxRea;

    @Option(names = "--out-dir", description = "Output folder (default: eproxy-search-<space>).")
    Path outDir;

    @Option(names = "--resume", description = "Continue an interrupted run in --out-dir.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        SearchSpace space = proxy.searchSpace();
        if (!(space instanceof Nb201)) {
            throw new IllegalArgumentException("architecture search needs a benchmark table of the whole space to query; "
                    + "only nb201 has one (the bundled nb101 tables are samples)");
        }
        if (budget < 1 || seeds < 1 || maxRea < 1) {
            throw new IllegalArgumentException("--budget, --seeds and --max-rea must be positive");
        }
        if (population < 1 || tournament < 1 || tournament > population) {
            throw new IllegalArgumentException("need 1 <= --tournament <= --population, got --tournament " + tournament
                    + ", --population " + population);
        }
        Oracle oracle = new Oracle(Benchmark.load(space));
        ArchitectureSearch search = new ArchitectureSearch(space, oracle, population, tournament, queries);
        Path dir = outDir != null ? outDir : Path.of("eproxy-search-" + space.name());
        checkSettings(dir.resolve("settings.json"));

        List<SearchResult> results = new ArrayList<>();
        try (Journal runs = new Journal(dir.resolve("runs.jsonl"), resume);
                ScoreLog scores = new ScoreLog(dir.resolve("scores.jsonl"), resume);
                Eproxy eproxy = proxy.build()) {
            results.addAll(runs.earlier(r -> {
                try {
                    return JSON.treeToValue(r, SearchResult.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(e.getOriginalMessage(), e);
                }
            }));
            List<Long> todo = new ArrayList<>();
            for (long seed = 0; seed < seeds; seed++) {
                if (find(results, "rea-benchmark", seed, -1) == null) {
                    SearchResult r = search.onBenchmark(seed, maxRea);
                    runs.append(JSON.valueToTree(r));
                    results.add(r);
                }
                if (find(results, "eproxy", seed, budget) == null) {
                    todo.add(seed);
                }
            }
            Progress progress = new Progress("proxy evaluations", todo.size() * budget, 0);
            ToDoubleFunction<Architecture> fitness = a -> {
                Score s = scores.scoreOnce(a, eproxy::score);
                progress.step();
                return -s.score();
            };
            List<Supplier<SearchResult>> searches = new ArrayList<>();
            for (long seed : todo) {
                searches.add(() -> {
                    SearchResult r = search.proxyGuided("eproxy", fitness, seed, budget);
                    runs.append(JSON.valueToTree(r));
                    return r;
                });
            }
            results.addAll(Tasks.runAll(proxy.concurrency(), "eproxy-search", searches));
            System.err.printf("scored %d distinct architectures%n", scores.done().size());
        }
        String table = SearchSummary.markdown(current(results), queries, oracle.best());
        System.out.print(table);
        TextFile.write(dir.resolve("summary.md"), table);
        System.out.println("wrote " + dir.resolve("summary.md") + ", runs.jsonl, scores.jsonl");
        return 0;
    }

    /** The recorded search of {@code method} and {@code seed} ({@code evaluations} -1: any number). */
    private static SearchResult find(List<SearchResult> results, String method, long seed, int evaluations) {
        for (SearchResult r : results) {
            if (r.method().equals(method) && r.seed() == seed && (evaluations < 0 || r.evaluations() == evaluations)) {
                return r;
            }
        }
        return null;
    }

    /** This invocation's searches: seeds 0..N-1 of each method, proxy-guided ones at this budget. */
    private List<SearchResult> current(List<SearchResult> results) {
        List<SearchResult> out = new ArrayList<>();
        for (long seed = 0; seed < seeds; seed++) {
            out.add(find(results, "rea-benchmark", seed, -1));
        }
        for (long seed = 0; seed < seeds; seed++) {
            out.add(find(results, "eproxy", seed, budget));
        }
        return out;
    }

    /**
     * Records what the cached scores and recorded searches depend on; a resumed run must match it.
     * The budget and the number of seeds may change: a resumed run with a larger budget reuses
     * every score already computed, and adds searches for new seeds or budgets.
     */
    private void checkSettings(Path file) {
        ObjectNode s = RunSettings.of(proxy, proxy.backend());
        s.put("population", population);
        s.put("tournament", tournament);
        s.put("maxRea", maxRea);
        RunSettings.record(file, s, resume);
    }
}
