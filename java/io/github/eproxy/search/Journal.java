package io.github.eproxy.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eproxy.util.IoErrors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An append-only JSON Lines file for long runs: each record is written and flushed as soon as it
 * exists, so an interruption loses at most the line being written. Opening with {@code resume}
 * reads the complete lines of an earlier run and cuts off a torn last line; opening an existing
 * file without it is refused, so results are never overwritten by accident.
 */
public final class Journal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A complete record of the earlier run and its line in the file. */
    private record Line(int number, JsonNode record) {
    }

    private final List<Line> earlier = new ArrayList<>();
    private final BufferedWriter out;
    private final Path file;

    public Journal(Path file, boolean resume) {
        this.file = file;
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("'" + file + "' is a folder, not a results file");
        }
        try {
            if (Files.exists(file)) {
                if (!resume) {
                    throw new IllegalArgumentException(file + " exists: pass --resume to continue it, or choose another output");
                }
                readComplete();
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + IoErrors.reason(e), e);
        }
    }

    private void readComplete() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (!line.isBlank()) {
                try {
                    earlier.add(new Line(lineNo, JSON.readTree(line)));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + " is not JSON: " + e.getOriginalMessage());
                }
            }
        }
        if (end < bytes.length) {
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
    }

    /**
     * The complete records of the earlier run, in file order, as {@code parse} reads them. A record it rejects (a missing or mistyped
     * field: see {@link #field}) is an error that names the file, the line and the reason.
     */
    public <T> List<T> earlier(Function<JsonNode, T> parse) {
        List<T> out = new ArrayList<>(earlier.size());
        for (Line line : earlier) {
            try {
                out.add(parse.apply(line.record()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + line.number() + " is not a record of this run: "
                        + e.getMessage(), e);
            }
        }
        return out;
    }

    /** A record's field, which must be there; a number where {@code number}, else any value. Null is allowed. */
    public static JsonNode field(JsonNode record, String name, boolean number) {
        JsonNode v = record.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no '" + name + "' field");
        }
        if (number && !v.isNumber() && !v.isNull()) {
            throw new IllegalArgumentException("'" + name + "' is not a number: " + v);
        }
        return v;
    }

    /** A numeric field, which must be there; {@code ifNull} where it was written as null (a non-finite value). */
    public static double number(JsonNode record, String name, double ifNull) {
        JsonNode v = field(record, name, true);
        return v.isNull() ? ifNull : v.asDouble();
    }

    public synchronized void append(JsonNode record) {
        try {
            out.write(JSON.writeValueAsString(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + file + ": " + IoErrors.reason(e), e);
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
