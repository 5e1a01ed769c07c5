package io.github.eproxy.bench;

import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Nb201;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Scores N consecutive NB201 architectures and prints, every 50, the process's resident memory,
 * the Java heap in use after a GC, and the native memory the backends hold, so growth shows.
 * Arguments: count (default 500), stem width (default 16), threads (default 1), concurrency (default 2).
 */
public final class MemorySoak {
    private MemorySoak() {
    }

    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int stem = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Nb201 space = new Nb201(stem);
        SplittableRandom rng = new SplittableRandom(11);
        System.out.printf("%6s %10s %10s %10s %8s%n", "archs", "rss MB", "heap MB", "native MB", "s");
        long start = System.nanoTime();
        try (Eproxy eproxy = Eproxy.builder().space(space).config(EproxyConfig.defaultFor(space)).threads(threads)
                .concurrency(concurrency).build()) {
            java.util.List<Nb201.Cell> cells = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                cells.add(space.sample(rng));
            }
            for (int done = 0; done < count; done += 50) {
                cells.subList(done, Math.min(count, done + 50)).parallelStream().forEach(eproxy::score);
                System.gc();
                Runtime rt = Runtime.getRuntime();
                System.out.printf("%6d %10.1f %10.1f %10.1f %8.0f%n", Math.min(count, done + 50), rss() / 1e6,
                        (rt.totalMemory() - rt.freeMemory()) / 1e6, eproxy.nativeBytes() / 1e6, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }
}
// HOW TO RUN: mvn -B -q -Pbench package -DskipTests && java -cp target/benchmarks.jar io.github.eproxy.bench.MemorySoak 500 16
