package io.github.eproxy.cli;

import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.Score;
import io.github.eproxy.search.ScoreLog;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.SearchSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score architectures with Eproxy into a JSON Lines file (lower score = better).")
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ProxyOptions proxy;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--archs", description = "File with one architecture per line (NB201 string or index form; NB101 [matrix, ops] JSON).")
        Path file;

        @Option(names = "--sample", description = "Score N architectures drawn uniformly from the space.")
        Integer sample;
    }

    @Option(names = "--seed", defaultValue = "0", description = "Seed for --sample (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "eproxy-scores.jsonl", description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue an interrupted output file: keep its lines, score the rest.")
    boolean resume;

    @Override
    public Integer call() {
        SearchSpace space = proxy.searchSpace();
        List<Architecture> archs = new ArrayList<>();
        if (source.file != null) {
            int lineNo = 0;
            for (String line : ScoreLog.lines(source.file)) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                try {
                    archs.add(space.parse(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source.file + " line " + lineNo + ": " + e.getMessage(), e);
                }
            }
        } else {
            if (source.sample < 1) {
                throw new IllegalArgumentException("--sample must be >= 1, got " + source.sample);
            }
            SplittableRandom rng = new SplittableRandom(seed);
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            while (archs.size() < source.sample) {
                Architecture a = space.sample(rng);
                if (seen.add(a.id())) {
                    archs.add(a);
                }
            }
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out '" + out + "' is a folder: name the JSON Lines file to write");
        }
        RunSettings.record(out.resolveSibling(out.getFileName() + ".settings.json"), RunSettings.of(proxy, proxy.backend()), resume);
        try (Eproxy eproxy = proxy.build()) {
            Map<String, Score> scores = BatchScorer.run(eproxy, archs, out, resume);
            long degenerate = scores.values().stream().filter(Score::degenerate).count();
            long diverged = scores.values().stream().filter(Score::diverged).count();
            System.out.printf("scored %d architectures into %s (%d degenerate, %d diverged)%n", scores.size(), out,
                    degenerate, diverged);
        }
        return 0;
    }
}
