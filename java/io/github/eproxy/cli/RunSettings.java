package io.github.eproxy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.backend.cpu.BlasFingerprint;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.util.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a resumable run's results depend on, kept in a file beside them: the search space (with
 * NB101's stem width), the Eproxy configuration, the threads per architecture and the engine, plus
 * what a command adds. Scores are keyed by architecture alone, so resuming with other settings would
 * silently mix two proxies' scores in one file; {@link #record} refuses that and names the settings
 * that differ. The settings also note this machine's {@link BlasFingerprint}: resuming where it
 * differs is allowed (the machine is not an option the user chose) but warned about, since the
 * scores from then on carry that machine's rounding.
 */
final class RunSettings {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The field that names the machine's {@link BlasFingerprint}; not compared on resume. */
    static final String MACHINE = "blasFingerprint";

    private RunSettings() {
    }

    /** {@code engine} is the resolved engine that trains Eproxy (never {@code AUTO}). */
    static ObjectNode of(ProxyOptions proxy, BackendChoice engine) {
        ObjectNode s = JSON.createObjectNode();
        SearchSpace space = proxy.searchSpace();
        s.put("space", space.name());
        if (space instanceof Nb101 nb101) {
            s.put("nb101Stem", nb101.stem());
        }
        s.set("config", parse(proxy.eproxyConfig().toJson(), "the configuration"));
        if (proxy.threads() != 1) {
            // each thread sums its images' weight gradients, so the thread count changes a score's
            // last bits, and ten steps at lr 1.2 grow that (up to 2% on ten NB201 draws);
            // absent at the default so that the settings of earlier runs still match
            s.put("threads", proxy.threads());
        }
        if (engine == BackendChoice.CUDA) {
            // the GPU's kernels sum in another order than the CPU engine: other last bits; absent
            // for the CPU, for the same reason as the threads
            s.put("backend", "cuda");
        }
        s.put(MACHINE, BlasFingerprint.value());
        return s;
    }

    /**
     * Writes {@code settings} to {@code file}. An existing file means an earlier run: without
     * {@code resume} that is an error (as for the results themselves), with it the settings must match.
     */
    static void record(Path file, ObjectNode settings, boolean resume) {
        record(file, settings, resume, warning -> System.err.println("eproxy: warning: " + warning));
    }

    /**
     * As {@link #record(Path, ObjectNode, boolean)}, with the warning about another machine's
     * fingerprint handed to {@code warnings}. A resumed run keeps its file as it was, so the file
     * names the machine the run started on.
     */
    static void record(Path file, ObjectNode settings, boolean resume, Consumer<String> warnings) {
        String text = settings.toPrettyString() + "\n";
        if (Files.exists(file)) {
            if (!resume) {
                throw new IllegalArgumentException(file + " exists: pass --resume to continue that run, or choose another output");
            }
            JsonNode before;
            try {
                before = parse(Files.readString(file), file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
            }
            // compared as read back from text: a long written as 0 reads back as an int node
            JsonNode now = parse(text, "the settings");
            List<String> differ = new ArrayList<>();
            collectDifferences("", withoutMachine(before), withoutMachine(now), differ);
            if (!differ.isEmpty()) {
                throw new IllegalArgumentException("--resume with settings that differ from " + file + " ("
                        + String.join(", ", differ) + "); use the same options or another output");
            }
            JsonNode started = before.path(MACHINE);
            if (started.isTextual() && !started.equals(now.path(MACHINE))) {
                warnings.accept(file + " was started where OpenBLAS's products gave other bits (fingerprint "
                        + started.asText() + ", here " + now.path(MACHINE).asText() + "): the scores from here on "
                        + "may differ from that machine's by rounding, which training grows to a few percent; "
                        + "OPENBLAS_CORETYPE chooses the kernels (see the README, \"Reproducing the numbers\")");
            }
            return;
        }
        TextFile.write(file, text);
    }

    private static JsonNode withoutMachine(JsonNode settings) {
        JsonNode copy = settings.deepCopy();
        if (copy instanceof ObjectNode o) {
            o.remove(MACHINE);
        }
        return copy;
    }

    /** Appends the dotted paths at which {@code a} and {@code b} differ (objects compared field by field). */
    private static void collectDifferences(String path, JsonNode a, JsonNode b, List<String> out) {
        if (!a.isObject() || !b.isObject()) {
            if (!a.equals(b)) {
                out.add(path);
            }
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            collectDifferences(path.isEmpty() ? name : path + "." + name, a.path(name), b.path(name), out);
        }
    }

    private static JsonNode parse(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
