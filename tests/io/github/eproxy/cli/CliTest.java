package io.github.eproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eproxy.backend.cuda.CudaRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final String LIVE = "|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|";
    private static final String DEAD = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|";
    private static final String SMALL_CONFIG = "{\"branches\": [{\"midChannels\": 8, \"outChannels\": 8}], \"iterations\": 3}";

    /** Runs the CLI, returning exit code and stderr. */
    private static Object[] run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Object[] {code, captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(err);
        }
    }

    private static void assertOneLineError(Object[] result, String expected) {
        assertEquals(2, result[0]);
        String err = ((String) result[1]).trim();
        assertTrue(err.contains(expected), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void badInputGivesOneLineAndExitCode2(@TempDir Path dir) throws IOException {
        assertOneLineError(run("score", "--space", "nb999", "--sample", "1", "--out", dir.resolve("a.jsonl").toString()),
                "unknown search space 'nb999'");
        Path archs = dir.resolve("archs.txt");
        Files.writeString(archs, LIVE + "\n|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|\n");
        assertOneLineError(run("score", "--archs", archs.toString(), "--out", dir.resolve("b.jsonl").toString()),
                "archs.txt line 2: NB201 cell");
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "{\"lr\": 0}");
        assertOneLineError(run("score", "--sample", "1", "--config", config.toString(), "--out", dir.resolve("c.jsonl").toString()),
                "learning rate must be positive");
        assertOneLineError(run("score", "--sample", "1", "--config", "{\"lr\": -1}", "--out", dir.resolve("d.jsonl").toString()),
                "--config: Eproxy config: learning rate must be positive, got -1.0");
        assertOneLineError(run("score", "--sample", "1", "--config", dir.resolve("missing.json").toString(), "--out",
                dir.resolve("e.jsonl").toString()), "missing.json: no such file or directory");
        assertOneLineError(run("evaluate", "--sample", "1"), "--sample must be in 2..15625");
        assertOneLineError(run("dps", "--population", "4", "--tournament", "5", "--out-dir", dir.resolve("dps").toString()),
                "need 1 <= --tournament <= --population and --cycles >= 0, got --tournament 5, --population 4");
        assertOneLineError(run("search", "--population", "0", "--out-dir", dir.resolve("search").toString()),
                "need 1 <= --tournament <= --population, got --tournament 5, --population 0");
        assertOneLineError(run("compare", "--sample", "3", "--proxies", "flops,params,flops", "--out-dir", dir.resolve("cmp").toString()),
                "--proxies names 'flops' twice");
        assertOneLineError(run("compare", "--sample", "3", "--proxies", ",", "--out-dir", dir.resolve("none").toString()),
                "--proxies names no proxy");
        assertFalse(Files.exists(dir.resolve("none")), "nothing is written for an empty --proxies");
        assertOneLineError(run("score", "--sample", "1", "--out", dir.toString()),
                "--out '" + dir + "' is a folder: name the JSON Lines file to write");
        assertFalse(Files.exists(dir.resolveSibling(dir.getFileName() + ".settings.json")), "nothing written beside it");
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        assertOneLineError(run("compare", "--sample", "3", "--proxies", "flops", "--out-dir", file.toString()),
                "cannot write " + file.resolve("settings.json") + ": " + file + " is a file, not a folder");
        int cores = Runtime.getRuntime().availableProcessors();
        assertOneLineError(run("score", "--sample", "1", "--threads", String.valueOf(cores + 1), "--out",
                dir.resolve("f.jsonl").toString()), "--threads must be in 1.." + cores + " (this machine's cores), got " + (cores + 1));
    }

    /** Without a GPU: cuda is a one-line error naming the reason, auto falls back to the CPU with a note. */
    @Test
    void backendChoiceWithoutAGpu(@TempDir Path dir) throws IOException {
        CudaRuntime.Probe probe = CudaRuntime.probe();
        assumeTrue(!probe.available(), "a GPU is present");
        assertOneLineError(run("score", "--sample", "1", "--backend", "tpu", "--out", dir.resolve("a.jsonl").toString()),
                "unknown backend 'tpu': expected cpu, cuda or auto");
        Object[] cuda = run("score", "--sample", "1", "--backend", "cuda", "--out", dir.resolve("b.jsonl").toString());
        assertNotEquals(0, cuda[0]);
        String err = ((String) cuda[1]).trim();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("--backend cuda: " + probe.message()), err);
        Path config = dir.resolve("small.json");
        Files.writeString(config, SMALL_CONFIG);
        Path archs = dir.resolve("archs.txt");
        Files.writeString(archs, LIVE + "\n");
        Object[] auto = run("score", "--archs", archs.toString(), "--config", config.toString(), "--backend", "auto",
                "--out", dir.resolve("c.jsonl").toString());
        assertEquals(0, auto[0], (String) auto[1]);
        assertTrue(((String) auto[1]).contains(probe.message() + "; using the CPU backend"), (String) auto[1]);
        Object[] inline = run("score", "--archs", archs.toString(), "--config", SMALL_CONFIG, "--backend", "cpu",
                "--out", dir.resolve("d.jsonl").toString());
        assertEquals(0, inline[0], (String) inline[1]);
        assertEquals(3, new ObjectMapper().readTree(dir.resolve("d.jsonl").toFile()).get("lossCurve").size(),
                "the inline configuration's 3 iterations");
    }

    @Test
    void resumeKeepsCompleteLinesAndDropsATornOne(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("small.json");
        Files.writeString(config, SMALL_CONFIG);
        Path archs = dir.resolve("archs.txt");
        Files.writeString(archs, LIVE + "\n" + DEAD + "\n");
        Path out = dir.resolve("scores.jsonl");
        Object[] first = run("score", "--archs", archs.toString(), "--config", config.toString(), "--out", out.toString());
        assertEquals(0, first[0], (String) first[1]);
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        // simulate an interruption while the second line was being written
        Files.writeString(out, lines.get(0) + "\n" + lines.get(1).substring(0, 20));
        Object[] again = run("score", "--archs", archs.toString(), "--config", config.toString(), "--out", out.toString());
        assertOneLineError(again, "exists: pass --resume");
        Object[] resumed = run("score", "--archs", archs.toString(), "--config", config.toString(), "--out", out.toString(), "--resume");
        assertEquals(0, resumed[0], (String) resumed[1]);
        List<String> after = Files.readAllLines(out);
        assertEquals(2, after.size());
        assertEquals(lines.get(0), after.get(0));
        ObjectMapper json = new ObjectMapper();
        var redone = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(after.get(1));
        var original = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(lines.get(1));
        redone.remove("ms");
        original.remove("ms");
        assertEquals(original, redone, "the re-scored line matches the torn one's full version (bar its timing)");
        for (String line : after) {
            var record = json.readTree(line);
            if (record.get("arch").asText().equals(DEAD)) {
                assertTrue(record.get("degenerate").asBoolean());
                assertTrue(record.get("score").isNull());
            }
        }
        Object[] otherConfig = run("score", "--archs", archs.toString(), "--config", "{\"iterations\": 4}", "--out",
                out.toString(), "--resume");
        assertOneLineError(otherConfig, "settings that differ");
        assertTrue(((String) otherConfig[1]).contains("config.branches, config.iterations"), (String) otherConfig[1]);
        assertEquals(after, Files.readAllLines(out), "a refused resume leaves the scores alone");
    }

    /** A damaged line in the middle of a journal is a one-line error naming the file, the line and what is wrong. */
    @Test
    void resumeNamesADamagedLine(@TempDir Path dir) throws IOException {
        Path archs = dir.resolve("archs.txt");
        Files.writeString(archs, DEAD + "\n");
        Path out = dir.resolve("scores.jsonl");
        assertEquals(0, run("score", "--archs", archs.toString(), "--out", out.toString())[0]);
        String good = Files.readAllLines(out).get(0);
        Files.writeString(out, good + "\ngarbage\n");
        assertOneLineError(run("score", "--archs", archs.toString(), "--out", out.toString(), "--resume"),
                out + " line 2 is not JSON: Unrecognized token 'garbage'");
        Files.writeString(out, "\n" + good.replace("\"macs\"", "\"macz\"") + "\n");
        assertOneLineError(run("score", "--archs", archs.toString(), "--out", out.toString(), "--resume"),
                out + " line 2 is not a record of this run: no 'macs' field");
        Files.writeString(out, good.replace("\"ms\":", "\"ms\":\"soon\",\"x\":") + "\n");
        assertOneLineError(run("score", "--archs", archs.toString(), "--out", out.toString(), "--resume"),
                out + " line 1 is not a record of this run: 'ms' is not a number: \"soon\"");

        Path cmp = dir.resolve("cmp");
        String[] compare = {"compare", "--sample", "3", "--proxies", "flops", "--out-dir", cmp.toString()};
        assertEquals(0, run(compare)[0]);
        Path flops = cmp.resolve("flops.jsonl");
        Files.writeString(flops, Files.readString(flops).replaceFirst("\"arch\"", "\"name\""));
        String[] resumed = java.util.Arrays.copyOf(compare, compare.length + 1);
        resumed[compare.length] = "--resume";
        assertOneLineError(run(resumed), flops + " line 1 is not a record of this run: no 'arch' field");
    }

    @Test
    void resumeRefusesAnotherStemWidth(@TempDir Path dir) {
        Path out = dir.resolve("evaluate");
        String[] args = {"evaluate", "--space", "nb101", "--nb101-stem", "6", "--sample", "2", "--config", SMALL_CONFIG,
            "--out-dir", out.toString()};
        Object[] first = run(args);
        assertEquals(0, first[0], (String) first[1]);
        args[4] = "8";
        String[] resumed = java.util.Arrays.copyOf(args, args.length + 1);
        resumed[args.length] = "--resume";
        Object[] refused = run(resumed);
        assertOneLineError(refused, "settings that differ");
        assertTrue(((String) refused[1]).contains("(nb101Stem)"), (String) refused[1]);
    }

    @Test
    void resumeRefusesAnotherThreadCount(@TempDir Path dir) throws IOException {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "--threads 2 needs two cores");
        Path out = dir.resolve("evaluate");
        String[] args = {"evaluate", "--space", "nb201", "--sample", "2", "--config", SMALL_CONFIG, "--out-dir",
            out.toString(), "--resume"};
        assertEquals(0, run(args)[0]);
        assertTrue(!Files.readString(out.resolve("settings.json")).contains("threads"),
                "the default thread count is not written, so earlier runs' settings still match");
        String[] twoThreads = java.util.Arrays.copyOf(args, args.length + 2);
        twoThreads[args.length] = "--threads";
        twoThreads[args.length + 1] = "2";
        Object[] refused = run(twoThreads);
        assertOneLineError(refused, "settings that differ");
        assertTrue(((String) refused[1]).contains("(threads)"), (String) refused[1]);
    }

    @Test
    void resumeRefusesAnotherEngine(@TempDir Path dir) throws IOException {
        ProxyOptions options = new ProxyOptions();
        new picocli.CommandLine(options).parseArgs("--space", "nb201");
        assertTrue(RunSettings.of(options, io.github.eproxy.backend.BackendChoice.CUDA).toString().contains("\"backend\":\"cuda\""));
        assertFalse(RunSettings.of(options, io.github.eproxy.backend.BackendChoice.CPU).has("backend"),
                "the CPU engine is not written, so earlier runs' settings still match");

        // a run the GPU started, resumed on the CPU: its settings file as a GPU run writes it
        Path out = dir.resolve("evaluate");
        String[] args = {"evaluate", "--space", "nb201", "--sample", "2", "--config", SMALL_CONFIG, "--out-dir",
            out.toString(), "--resume", "--backend", "cpu"};
        assertEquals(0, run(args)[0]);
        Path settings = out.resolve("settings.json");
        var gpuRun = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(Files.readString(settings));
        gpuRun.put("backend", "cuda");
        Files.writeString(settings, gpuRun.toPrettyString());
        Object[] refused = run(args);
        assertOneLineError(refused, "settings that differ");
        assertTrue(((String) refused[1]).contains("(backend)"), (String) refused[1]);
    }

    @Test
    void resumeOnAMachineWithOtherProductsWarns(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("evaluate");
        String[] args = {"evaluate", "--space", "nb201", "--sample", "2", "--config", SMALL_CONFIG, "--out-dir",
            out.toString(), "--resume"};
        assertEquals(0, run(args)[0]);
        Path settings = out.resolve("settings.json");
        var started = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(Files.readString(settings));
        String here = io.github.eproxy.backend.cpu.BlasFingerprint.value();
        assertEquals(here, started.get(RunSettings.MACHINE).asText());
        started.put(RunSettings.MACHINE, "0badc0de");
        Files.writeString(settings, started.toPrettyString());
        Object[] resumed = run(args);
        assertEquals(0, resumed[0], (String) resumed[1]);
        assertTrue(((String) resumed[1]).contains("eproxy: warning: " + settings + " was started where OpenBLAS's products "
                + "gave other bits (fingerprint 0badc0de, here " + here + ")"), (String) resumed[1]);
    }

    @Test
    void searchRunsBothMethodsResumesAndRefusesOtherSettings(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("small.json");
        Files.writeString(config, SMALL_CONFIG);
        Path out = dir.resolve("search");
        String[] args = {"search", "--config", config.toString(), "--budget", "4", "--seeds", "1", "--population", "2",
            "--tournament", "2", "--out-dir", out.toString()};
        assertEquals(0, run(args)[0]);
        List<String> runs = Files.readAllLines(out.resolve("runs.jsonl"));
        assertEquals(2, runs.size(), "one search per method: " + runs);
        assertTrue(runs.get(0).contains("\"method\":\"rea-benchmark\"") && runs.get(1).contains("\"method\":\"eproxy\""), runs.toString());
        int scored = Files.readAllLines(out.resolve("scores.jsonl")).size();
        assertTrue(scored >= 1 && scored <= 4, "each distinct architecture scored once: " + scored);
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("| eproxy | 1 | 4.0 |"), summary);

        assertOneLineError(run(args), "pass --resume");
        String[] resumed = java.util.Arrays.copyOf(args, args.length + 1);
        resumed[args.length] = "--resume";
        assertEquals(0, run(resumed)[0]);
        assertEquals(runs, Files.readAllLines(out.resolve("runs.jsonl")), "a finished run has nothing left to do");
        resumed[4] = "6";
        assertEquals(0, run(resumed)[0]);
        List<String> extended = Files.readAllLines(out.resolve("runs.jsonl"));
        assertEquals(3, extended.size(), "a larger budget adds one proxy-guided search: " + extended);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("| eproxy | 1 | 6.0 |"));
        resumed[8] = "3";
        assertOneLineError(run(resumed), "settings that differ");
        assertOneLineError(run("search", "--space", "nb101", "--out-dir", dir.resolve("x").toString()), "only nb201");
    }

    @Test
    void everyCommandsHelpRendersWithoutWarnings() {
        for (String command : new String[] {"score", "evaluate", "dps", "search", "compare"}) {
            Object[] result = run(command, "--help");
            assertEquals(0, result[0], command);
            assertFalse(((String) result[1]).contains("WARN"), command + ": " + result[1]);
        }
    }

    @Test
    void compareTabulatesEveryProxyAndRejectsUnknownOnes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("compare");
        assertEquals(0, run("compare", "--sample", "6", "--proxies", "naswot,flops,params", "--out-dir", out.toString())[0]);
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertEquals(4, csv.size(), csv.toString());
        assertTrue(csv.get(0).startsWith("proxy,engine,spearman,"), csv.get(0));
        assertTrue(csv.get(1).startsWith("naswot,cpu,") && csv.get(2).startsWith("flops,none,") && csv.get(3).startsWith("params,none,"),
                csv.toString());
        assertEquals(6, Files.readAllLines(out.resolve("naswot.jsonl")).size());
        assertTrue(Files.size(out.resolve("compare.png")) > 0);
        assertOneLineError(run("compare", "--proxies", "synflow,jacob", "--out-dir", dir.resolve("x").toString()), "unknown proxy 'jacob'");
    }
}
