package io.github.eproxy.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.proxy.Score;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.util.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Scores as JSON Lines ({@link Journal}): one architecture per line, flushed as each one
 * finishes; a resumed run keeps every complete line. Infinite scores (degenerate or diverged
 * networks) are written as null. Safe to share between scoring threads.
 */
public final class ScoreLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Score> done = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, CompletableFuture<Score>> inFlight = new ConcurrentHashMap<>();
    private final Journal journal;

    public ScoreLog(Path file, boolean resume) {
        journal = new Journal(file, resume);
        try {
            for (Score s : journal.earlier(ScoreLog::fromJson)) {
                done.put(s.arch(), s);
            }
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** Every architecture scored so far, keyed by id, in the order scored. */
    public Map<String, Score> done() {
        return done;
    }

    /**
     * The recorded score of {@code arch}, or {@code scorer}'s, recorded. Threads that ask for the
     * same architecture at the same time wait for one computation instead of repeating it.
     */
    public Score scoreOnce(Architecture arch, Function<Architecture, Score> scorer) {
        Score s = done.get(arch.id());
        if (s != null) {
            return s;
        }
        CompletableFuture<Score> mine = new CompletableFuture<>();
        CompletableFuture<Score> running = inFlight.putIfAbsent(arch.id(), mine);
        if (running != null) {
            return running.join();
        }
        try {
            s = done.get(arch.id()); // another thread may have finished it since the first look
            if (s == null) {
                s = scorer.apply(arch);
                write(s);
            }
            mine.complete(s);
            return s;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(arch.id());
        }
    }

    public synchronized void write(Score s) {
        journal.append(toJson(s));
        done.put(s.arch(), s);
    }

    public static ObjectNode toJson(Score s) {
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

    /** A record as {@link #toJson} writes it; a missing or mistyped field is an {@link IllegalArgumentException}. */
    public static Score fromJson(JsonNode o) {
        String arch = Journal.field(o, "arch", false).asText();
        JsonNode curve = o.path("lossCurve");
        double[] c = new double[curve.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = curve.get(i).isNull() ? Double.NaN : curve.get(i).asDouble();
        }
        double loss = o.path("loss").isNull() ? Double.NaN : o.path("loss").asDouble();
        return new Score(arch, Journal.number(o, "score", Double.POSITIVE_INFINITY), loss, c,
                Journal.field(o, "macs", true).asLong(), Journal.field(o, "params", true).asLong(),
                Journal.field(o, "degenerate", false).asBoolean(), Journal.field(o, "diverged", false).asBoolean(),
                Journal.field(o, "ms", true).asDouble());
    }

    public static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
    }

    @Override
    public void close() {
        journal.close();
    }
}
