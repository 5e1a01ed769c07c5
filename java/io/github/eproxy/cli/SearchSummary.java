package io.github.eproxy.cli;

import io.github.eproxy.search.nas.SearchResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Table-7-style summary of architecture searches: one row per method, averaged over seeds. */
final class SearchSummary {
    private SearchSummary() {
    }

    static String markdown(List<SearchResult> results, int[] budgets, double optimum) {
        Map<String, List<SearchResult>> byMethod = new LinkedHashMap<>();
        for (SearchResult r : results) {
            byMethod.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("global optimum: %.4f%n%n", optimum));
        sb.append("| method | searches | evaluations | distinct | found optimum | mean queries to optimum |");
        for (int b : budgets) {
            sb.append(" best acc. @").append(b).append(" queries |");
        }
        sb.append('\n').append("|---|---|---|---|---|---|");
        sb.append("---|".repeat(budgets.length)).append('\n');
        for (Map.Entry<String, List<SearchResult>> e : byMethod.entrySet()) {
            List<SearchResult> rs = e.getValue();
            double evaluations = 0;
            double distinct = 0;
            double queries = 0;
            int found = 0;
            double[] best = new double[budgets.length];
            for (SearchResult r : rs) {
                evaluations += r.evaluations();
                distinct += r.distinct();
                if (r.foundOptimum()) {
                    found++;
                    queries += r.queriesToOptimum();
                }
                for (int i = 0; i < budgets.length; i++) {
                    best[i] += r.bestAccuracy().get(i);
                }
            }
            int n = rs.size();
            sb.append(String.format("| %s | %d | %.1f | %.1f | %d/%d | %s |", e.getKey(), n, evaluations / n, distinct / n,
                    found, n, found == 0 ? "-" : String.format("%.1f", queries / found)));
            for (double b : best) {
                sb.append(String.format(" %.3f |", b / n));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
