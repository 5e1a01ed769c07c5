package io.github.eproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of memory is a one-line error with advice and exit code 1, on the command's own
 * thread and on the scoring threads alike. A child JVM caps JavaCPP's native memory, which this
 * JVM cannot do once its allocator has started.
 */
class OutOfMemoryTest {

    private static List<String> runCapped(Path dir, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Dorg.bytedeco.javacpp.maxBytes=48m",
                "-Dorg.bytedeco.javacpp.maxRetries=0", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM ends");
        return List.of(String.valueOf(p.exitValue()), err);
    }

    private static void assertOutOfMemoryLine(List<String> result) {
        String err = result.get(1);
        assertEquals("1", result.get(0), err);
        assertTrue(err.contains("out of memory (CPU backend: cannot allocate"), err);
        assertTrue(err.contains("lower --concurrency or --threads"), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void onTheCommandsThread(@TempDir Path dir) throws Exception {
        // the targets' teacher network trains on the command's thread, before any scoring thread starts
        assertOutOfMemoryLine(runCapped(dir, "score", "--backend", "cpu", "--sample", "1", "--out", "s.jsonl"));
    }

    @Test
    void onAScoringThread(@TempDir Path dir) throws Exception {
        // plain targets need no teacher, so the first large allocation is a scored architecture's
        assertOutOfMemoryLine(runCapped(dir, "score", "--backend", "cpu", "--sample", "2", "--concurrency", "2",
                "--config", "{\"branches\": [{\"features\": [\"dot\"]}]}", "--out", "s.jsonl"));
    }
}
