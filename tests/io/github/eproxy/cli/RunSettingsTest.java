package io.github.eproxy.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSettingsTest {
    private static ObjectNode settings(long seed, int width) {
        ObjectNode s = new ObjectMapper().createObjectNode();
        s.put("seed", seed);
        s.putObject("config").put("lr", 1.2).putArray("branches").addObject().put("midChannels", width);
        return s;
    }

    @Test
    void resumingWithTheSameSettingsPassesAndOtherSettingsAreNamed(@TempDir Path dir) {
        Path file = dir.resolve("settings.json");
        RunSettings.record(file, settings(0L, 512), false);
        assertDoesNotThrow(() -> RunSettings.record(file, settings(0L, 512), true), "a long read back as an int still matches");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunSettings.record(file, settings(1L, 128), true));
        assertTrue(e.getMessage().endsWith("settings.json (seed, config.branches); use the same options or another output"),
                e.getMessage());
        IllegalArgumentException fresh = assertThrows(IllegalArgumentException.class,
                () -> RunSettings.record(file, settings(0L, 512), false));
        assertTrue(fresh.getMessage().contains("exists: pass --resume"), fresh.getMessage());
    }

    @Test
    void resumingWithoutRecordedSettingsRecordsThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("settings.json");
        RunSettings.record(file, settings(3L, 64), true);
        assertEquals(3, new ObjectMapper().readTree(file.toFile()).get("seed").asInt());
    }

    @Test
    void resumingOnAMachineWithOtherProductsWarnsAndKeepsTheFirstMachine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("settings.json");
        RunSettings.record(file, settings(0L, 512).put(RunSettings.MACHINE, "0badc0de"), false);
        List<String> warnings = new ArrayList<>();
        RunSettings.record(file, settings(0L, 512).put(RunSettings.MACHINE, "0badc0de"), true, warnings::add);
        assertEquals(List.of(), warnings, "the same machine");
        RunSettings.record(file, settings(0L, 512).put(RunSettings.MACHINE, "6d02ebe1"), true, warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("(fingerprint 0badc0de, here 6d02ebe1)"), warnings.get(0));
        assertEquals("0badc0de", new ObjectMapper().readTree(file.toFile()).get(RunSettings.MACHINE).asText(),
                "the file names the machine the run started on");
        assertThrows(IllegalArgumentException.class,
                () -> RunSettings.record(file, settings(1L, 512).put(RunSettings.MACHINE, "6d02ebe1"), true, warnings::add),
                "other options are still refused");
    }
}
