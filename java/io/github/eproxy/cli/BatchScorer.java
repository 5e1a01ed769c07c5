package io.github.eproxy.cli;

import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.Score;
import io.github.eproxy.searchspace.Architecture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Scores a list of architectures into a resumable JSON Lines file, {@code concurrency} at a time. */
final class BatchScorer {
    private BatchScorer() {
    }

    /** Returns the scores of all {@code archs} (earlier runs' lines included), keyed by architecture id. */
    static Map<String, Score> run(Eproxy eproxy, List<? extends Architecture> archs, Path out, boolean resume,
            int concurrency) {
        try (ScoreLog log = new ScoreLog(out, resume)) {
            List<Architecture> todo = new ArrayList<>();
            for (Architecture a : archs) {
                if (!log.done().containsKey(a.id())) {
                    todo.add(a);
                }
            }
            Progress progress = new Progress("scoring", archs.size(), archs.size() - todo.size());
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "eproxy-score");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Architecture a : todo) {
                    futures.add(pool.submit(() -> {
                        log.write(eproxy.score(a));
                        progress.step();
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
            return log.done();
        }
    }
}
