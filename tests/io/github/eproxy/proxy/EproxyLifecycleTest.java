package io.github.eproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.searchspace.Nb201;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing a scorer while architectures train, and a batch that fails half way. Before these
 * guarantees, closing freed the native memory a training on another thread was computing in, and
 * the JVM died with SIGSEGV (seen with {@code score --concurrency 2} running out of memory).
 */
class EproxyLifecycleTest {
    private static final Nb201 SPACE = new Nb201(16);
    private static final String CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|";
    private static final String OTHER = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|";

    @Test
    void closeWaitsForATrainingInFlightAndRefusesLaterScores() throws Exception {
        Eproxy eproxy = Eproxy.builder().space(SPACE).threads(1).build();
        CompletableFuture<Score> inFlight = CompletableFuture.supplyAsync(() -> eproxy.score(CELL));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (eproxy.nativeBytes() == 0 && !inFlight.isDone()) {
            assertTrue(System.nanoTime() < deadline, "the training never started");
            Thread.onSpinWait();
        }
        assertTrue(!inFlight.isDone(), "closed while the default network trains (seconds)");
        eproxy.close();
        Score s = inFlight.get(60, TimeUnit.SECONDS);
        try (Eproxy fresh = Eproxy.builder().space(SPACE).threads(1).build()) {
            assertArrayEquals(fresh.score(CELL).lossCurve(), s.lossCurve(), "the training in flight completes undisturbed");
        }
        IllegalStateException later = assertThrows(IllegalStateException.class, () -> eproxy.score(CELL));
        assertEquals("this Eproxy is closed", later.getMessage());
        eproxy.close(); // a second close does nothing
    }

    @Test
    void aFailedBatchReturnsOnlyOnceTheArchitecturesInTrainingHaveFinished() {
        List<String> handed = Collections.synchronizedList(new ArrayList<>());
        RuntimeException failure = new RuntimeException("disk full");
        try (Eproxy eproxy = Eproxy.builder().space(SPACE).threads(1).concurrency(2).build()) {
            RuntimeException thrown = assertThrows(RuntimeException.class,
                    () -> eproxy.scoreAll(List.of(SPACE.parse(CELL), SPACE.parse(OTHER), SPACE.parse(CELL)), score -> {
                        handed.add(score.arch());
                        if (handed.size() == 1) {
                            throw failure;
                        }
                    }));
            assertSame(failure, thrown);
            assertEquals(2, handed.size(), "both architectures in training were handed over before the batch failed, "
                    + "and the third, not started, was dropped: " + handed);
        }
    }
}
