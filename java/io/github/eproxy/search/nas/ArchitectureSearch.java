package io.github.eproxy.search.nas;

import io.github.eproxy.search.Rea;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Architecture search by regularised evolution, in the two forms the paper compares (Section 3.5,
 * Tables 6 and 7). Proxy-guided: evolution with a proxy as fitness, then the benchmark is queried
 * for the distinct architectures of the search history in order of proxy fitness, best first.
 * On the benchmark: the same evolution whose fitness is the benchmark query itself. Both report
 * the queries needed to reach the benchmark's best architecture and the best accuracy within
 * given query budgets; a query is one distinct architecture looked up.
 */
public final class ArchitectureSearch {
    private final SearchSpace space;
    private final Oracle oracle;
    private final int population;
    private final int sample;
    private final List<Integer> budgets;

    public ArchitectureSearch(SearchSpace space, Oracle oracle, int population, int sample, int[] budgets) {
        for (int b : budgets) {
            if (b < 1) {
                throw new IllegalArgumentException("query budgets must be positive, got " + b);
            }
        }
        this.space = space;
        this.oracle = oracle;
        this.population = population;
        this.sample = sample;
        this.budgets = Arrays.stream(budgets).boxed().toList();
    }

    /** Evolution with {@code proxyFitness} (higher is better) for {@code evaluations} steps, then queries in proxy order. */
    public SearchResult proxyGuided(String method, ToDoubleFunction<Architecture> proxyFitness, long seed, int evaluations) {
        Rea<Architecture> rea = new Rea<>(new ArchitectureProblem(space, proxyFitness), population, sample, seed);
        rea.run(evaluations, m -> { });
        return queried(method, seed, evaluations, rankedByFitness(rea.history()));
    }

    /** Evolution whose fitness is the benchmark query, until it meets the best architecture or has evaluated {@code maxEvaluations}. */
    public SearchResult onBenchmark(long seed, int maxEvaluations) {
        Map<String, Architecture> queriedInOrder = new LinkedHashMap<>();
        Rea<Architecture> rea = new Rea<>(new ArchitectureProblem(space, a -> {
            queriedInOrder.putIfAbsent(a.id(), a);
            return oracle.accuracy(a);
        }), population, sample, seed);
        rea.runUntil(maxEvaluations, m -> m.fitness() >= oracle.best());
        return queried("rea-benchmark", seed, rea.history().size(), new ArrayList<>(queriedInOrder.values()));
    }

    /** The distinct architectures of a history, fittest first, earlier first among equals. */
    static List<Architecture> rankedByFitness(List<Rea.Member<Architecture>> history) {
        Map<String, Rea.Member<Architecture>> first = new LinkedHashMap<>();
        for (Rea.Member<Architecture> m : history) {
            first.putIfAbsent(m.candidate().id(), m);
        }
        List<Rea.Member<Architecture>> members = new ArrayList<>(first.values());
        members.sort(Comparator.comparingDouble((Rea.Member<Architecture> m) -> -m.rank()).thenComparingInt(Rea.Member::step));
        List<Architecture> out = new ArrayList<>();
        for (Rea.Member<Architecture> m : members) {
            out.add(m.candidate());
        }
        return out;
    }

    /** Queries {@code order} one by one; a budget larger than the list gets the best of the whole list. */
    private SearchResult queried(String method, long seed, int evaluations, List<Architecture> order) {
        int toOptimum = -1;
        double[] bestSoFar = new double[order.size()];
        double running = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < order.size(); q++) {
            double acc = oracle.accuracy(order.get(q));
            running = Math.max(running, acc);
            bestSoFar[q] = running;
            if (toOptimum < 0 && acc >= oracle.best()) {
                toOptimum = q + 1;
            }
        }
        List<Double> best = new ArrayList<>();
        for (int b : budgets) {
            best.add(order.isEmpty() ? Double.NEGATIVE_INFINITY : bestSoFar[Math.min(b, order.size()) - 1]);
        }
        return new SearchResult(method, seed, evaluations, order.size(), toOptimum, budgets, best);
    }
}
