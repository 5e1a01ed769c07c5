package io.github.eproxy.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.Nb201;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny DPS run (stem 4, widths up to 16, 3 iterations, 8 architectures) and its resumption. */
class DpsTest {

    private static Dps tiny() {
        Nb201 space = new Nb201(4);
        List<Benchmark.Entry> table = new ArrayList<>(Benchmark.load(space));
        Collections.shuffle(table, new Random(1));
        EproxyConfig base = EproxyConfig.fromJson("{\"iterations\": 3}");
        return new Dps(space, table.subList(0, 8), base, 16, 2, BackendChoice.CPU);
    }

    @Test
    void tinyRunCompletesAndResumesIdentically(@TempDir Path dir) throws Exception {
        Rea<EproxyConfig> whole = tiny().run(6, 3, 2, 5, dir.resolve("whole.jsonl"), false, m -> { });
        assertEquals(6, whole.history().size());
        assertEquals(6, Files.readAllLines(dir.resolve("whole.jsonl")).size());
        for (Rea.Member<EproxyConfig> m : whole.history()) {
            assertTrue(Double.isNaN(m.fitness()) || Math.abs(m.fitness()) <= 1, "fitness is a correlation: " + m);
        }
        Path part = dir.resolve("part.jsonl");
        tiny().run(4, 3, 2, 5, part, false, m -> { });
        List<String> lines = Files.readAllLines(part);
        Files.writeString(part, String.join("\n", lines) + "\n" + "{\"step\": 4, \"fit"); // torn last line
        Rea<EproxyConfig> resumed = tiny().run(6, 3, 2, 5, part, true, m -> { });
        assertEquals(whole.history(), resumed.history());
    }
}
