package io.github.eproxy.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.proxy.Score;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.stats.Ranking;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Discrete Proxy Search (paper Section 2.2, Listing 2): regularised evolution over Eproxy
 * configurations ({@link ProxySpace}) whose fitness is Spearman's rho between the negated proxy
 * scores and the true accuracies of a handful of training architectures (NaN counts as worst).
 * Each evaluation scores the training architectures in parallel, one thread each. The history is
 * journalled as it goes; a resumed run replays it and continues exactly as the uninterrupted one.
 */
public final class Dps {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SearchSpace space;
    private final List<Benchmark.Entry> train;
    private final EproxyConfig base;
    private final int maxWidth;
    private final int concurrency;
    private final BackendChoice backend;

    /** {@code concurrency} training architectures are scored at once, each on its own {@code backend}. */
    public Dps(SearchSpace space, List<Benchmark.Entry> train, EproxyConfig base, int maxWidth, int concurrency,
            BackendChoice backend) {
        if (train.size() < 3) {
            throw new IllegalArgumentException("DPS needs at least 3 training architectures, got " + train.size());
        }
        this.space = space;
        this.train = List.copyOf(train);
        this.base = base;
        this.maxWidth = maxWidth;
        this.concurrency = concurrency;
        this.backend = backend;
    }

    /** Rank correlation of {@code config}'s scores with the training accuracies. */
    public double fitness(EproxyConfig config) {
        double[] scores = new double[train.size()];
        double[] acc = new double[train.size()];
        List<Architecture> archs = new ArrayList<>();
        for (Benchmark.Entry e : train) {
            archs.add(e.arch());
        }
        try (Eproxy eproxy = Eproxy.builder().space(space).config(config).threads(1).concurrency(concurrency).backend(backend)
                .build()) {
            List<Score> scored = eproxy.scoreAll(archs, s -> { });
            for (int i = 0; i < scores.length; i++) {
                scores[i] = scored.get(i).score();
                acc[i] = train.get(i).accuracy();
            }
        }
        return Ranking.evaluate(scores, acc).spearman();
    }

    /**
     * Runs until {@code total} configurations are evaluated, journalling each to {@code history}
     * (resumed if {@code resume}); returns the evolution with its full history.
     */
    public Rea<EproxyConfig> run(int total, int population, int sample, long seed, Path history, boolean resume,
            Consumer<Rea.Member<EproxyConfig>> onEach) {
        Rea<EproxyConfig> rea = new Rea<>(new ProxySpace(base, maxWidth, this::fitness), population, sample, seed);
        try (Journal journal = new Journal(history, resume)) {
            rea.restore(journal.earlier(Dps::fromJson));
            rea.run(total, m -> {
                journal.append(toJson(m));
                onEach.accept(m);
            });
        }
        return rea;
    }

    static ObjectNode toJson(Rea.Member<EproxyConfig> m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", m.step());
        if (Double.isNaN(m.fitness())) {
            o.putNull("fitness");
        } else {
            o.put("fitness", m.fitness());
        }
        try {
            o.set("config", JSON.readTree(m.candidate().toJson()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return o;
    }

    static Rea.Member<EproxyConfig> fromJson(JsonNode o) {
        return new Rea.Member<>(Journal.field(o, "step", true).asInt(),
                EproxyConfig.fromJson(Journal.field(o, "config", false).toString()), Journal.number(o, "fitness", Double.NaN));
    }
}
