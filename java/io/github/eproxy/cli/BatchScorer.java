package io.github.eproxy.cli;

import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.Score;
import io.github.eproxy.search.ScoreLog;
import io.github.eproxy.searchspace.Architecture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Scores a list of architectures into a resumable JSON Lines file, as many at a time as the scorer allows. */
final class BatchScorer {
    private BatchScorer() {
    }

    /** Returns the scores of all {@code archs} (earlier runs' lines included), keyed by architecture id. */
    static Map<String, Score> run(Eproxy eproxy, List<? extends Architecture> archs, Path out, boolean resume) {
        try (ScoreLog log = new ScoreLog(out, resume)) {
            List<Architecture> todo = new ArrayList<>();
            for (Architecture a : archs) {
                if (!log.done().containsKey(a.id())) {
                    todo.add(a);
                }
            }
            Progress progress = new Progress("scoring", archs.size(), archs.size() - todo.size());
            eproxy.scoreAll(todo, s -> {
                log.write(s);
                progress.step();
            });
            return log.done();
        }
    }
}
