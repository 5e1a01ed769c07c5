package io.github.eproxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.proxy.Score;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores as JSON Lines, one architecture per line, flushed as each one finishes so an interrupted
 * run loses at most the line being written. Reopening with resume keeps every complete line and
 * drops a torn last one. Infinite scores (degenerate or diverged networks) are written as null.
 */
final class ScoreLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Score> done = new LinkedHashMap<>();
    private final BufferedWriter out;

    ScoreLog(Path file, boolean resume) {
        try {
            if (resume && Files.exists(file)) {
                readComplete(file);
            } else if (!resume && Files.exists(file)) {
                throw new IllegalArgumentException(file + " exists: pass --resume to continue it, or choose another --out");
            }
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the complete lines of an earlier run and cuts the file after the last of them. */
    private void readComplete(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1;
        int lineNo = 0;
        for (String line : text.substring(0, end).split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Score s = fromJson(JSON.readTree(line));
                done.put(s.arch(), s);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + lineNo + " is not a score record: " + e.getMessage());
            }
        }
        if (end < bytes.length) {
            try (var ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
                ch.truncate(text.substring(0, end).getBytes(StandardCharsets.UTF_8).length);
            }
        }
    }

    Map<String, Score> done() {
        return done;
    }

    synchronized void write(Score s) {
        try {
            out.write(JSON.writeValueAsString(toJson(s)));
            out.write('\n');
            out.flush();
            done.put(s.arch(), s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write score: " + e.getMessage(), e);
        }
    }

    static ObjectNode toJson(Score s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("arch", s.arch());
        putFinite(o, "score", s.score());
        putFinite(o, "loss", s.loss());
        var curve = o.putArray("lossCurve");
        for (double v : s.lossCurve()) {
            if (Double.isFinite(v)) {
                curve.add(v);
            } else {
                curve.addNull();
            }
        }
        o.put("macs", s.macs());
        o.put("params", s.params());
        o.put("degenerate", s.degenerate());
        o.put("diverged", s.diverged());
        o.put("ms", Math.round(s.millis() * 1000) / 1000.0);
        return o;
    }

    private static void putFinite(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    static Score fromJson(JsonNode o) {
        String arch = o.get("arch").asText();
        JsonNode curve = o.path("lossCurve");
        double[] c = new double[curve.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = curve.get(i).isNull() ? Double.NaN : curve.get(i).asDouble();
        }
        double score = o.get("score").isNull() ? Double.POSITIVE_INFINITY : o.get("score").asDouble();
        double loss = o.path("loss").isNull() ? Double.NaN : o.path("loss").asDouble();
        return new Score(arch, score, loss, c, o.get("macs").asLong(), o.get("params").asLong(),
                o.get("degenerate").asBoolean(), o.get("diverged").asBoolean(), o.get("ms").asDouble());
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
