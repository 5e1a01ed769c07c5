package io.github.eproxy.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.eproxy.proxy.Score;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Nb201;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent searches that meet the same architecture score it once; a resumed log scores nothing again. */
class ScoreLogTest {

    @Test
    void concurrentRequestsForOneArchitectureScoreItOnce(@TempDir Path dir) throws Exception {
        Nb201 space = new Nb201();
        List<Architecture> archs = List.of(space.cell(1), space.cell(2), space.cell(3));
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Path file = dir.resolve("scores.jsonl");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ScoreLog log = new ScoreLog(file, false)) {
            List<Future<Score>> results = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                Architecture a = archs.get(t % archs.size());
                results.add(pool.submit(() -> log.scoreOnce(a, arch -> {
                    calls.computeIfAbsent(arch.id(), k -> new AtomicInteger()).incrementAndGet();
                    sleep(50);
                    return new Score(arch.id(), arch.id().length(), 1, new double[] {1}, 0, 0, false, false, 50);
                })));
            }
            for (int t = 0; t < results.size(); t++) {
                assertEquals(archs.get(t % archs.size()).id(), results.get(t).get().arch());
            }
        } finally {
            pool.shutdownNow();
        }
        for (Architecture a : archs) {
            assertEquals(1, calls.get(a.id()).get(), "scorer calls for " + a.id());
        }
        assertEquals(3, Files.readAllLines(file).size());
        try (ScoreLog resumed = new ScoreLog(file, true)) {
            for (Architecture a : archs) {
                assertEquals(a.id().length(), resumed.scoreOnce(a, arch -> {
                    throw new AssertionError("recorded architectures are not scored again");
                }).score());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
