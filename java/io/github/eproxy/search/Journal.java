package io.github.eproxy.search;

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
import java.util.Collections;
import java.util.List;

/**
 * An append-only JSON Lines file for long runs: each record is written and flushed as soon as it
 * exists, so an interruption loses at most the line being written. Opening with {@code resume}
 * reads the complete lines of an earlier run and cuts off a torn last line; opening an existing
 * file without it is refused, so results are never overwritten by accident.
 */
public final class Journal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> earlier = new ArrayList<>();
    private final BufferedWriter out;
    private final Path file;

    public Journal(Path file, boolean resume) {
        this.file = file;
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
                    earlier.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + " is not JSON: " + e.getMessage());
                }
            }
        }
        if (end < bytes.length) {
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
    }

    /** The complete records of the earlier run, in file order. */
    public List<JsonNode> earlier() {
        return Collections.unmodifiableList(earlier);
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
