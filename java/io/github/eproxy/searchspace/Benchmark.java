package io.github.eproxy.searchspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eproxy.util.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ground-truth tables: architectures with their fully trained accuracy. Bundled: NAS-Bench-201
 * CIFAR-10-valid (all 15,625 cells, percent) and NAS-Bench-101 samples of 2,500 and 20 (CIFAR-10
 * test accuracy, fraction), in the formats of the reference implementation's data files.
 */
public final class Benchmark {
    public static final String NB201_CIFAR10_VALID = "nb201-cifar10-valid.json";
    public static final String NB101_2500 = "nb101-2500.json";
    public static final String NB101_20 = "nb101-20.json";

    public record Entry(Architecture arch, double accuracy) {
    }

    private Benchmark() {
    }

    /** The default table of a space: NB201 CIFAR-10-valid, or the NB101 2,500 sample. */
    public static List<Entry> load(SearchSpace space) {
        return load(space, space instanceof Nb201 ? NB201_CIFAR10_VALID : NB101_2500);
    }

    /** A bundled table by name, or a JSON file of the same format by path. */
    public static List<Entry> load(SearchSpace space, String nameOrPath) {
        try (InputStream in = open(nameOrPath)) {
            return parse(space, new ObjectMapper().readTree(in), nameOrPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read benchmark table " + nameOrPath + ": " + IoErrors.reason(e), e);
        }
    }

    private static InputStream open(String nameOrPath) throws IOException {
        InputStream bundled = Benchmark.class.getResourceAsStream("data/" + nameOrPath);
        if (bundled != null) {
            return bundled;
        }
        return Files.newInputStream(Path.of(nameOrPath));
    }

    private static List<Entry> parse(SearchSpace space, JsonNode root, String source) {
        if (!root.isArray()) {
            throw new IllegalArgumentException(source + ": expected a JSON list of [architecture, accuracy] pairs");
        }
        List<Entry> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode pair = root.get(i);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isNumber()) {
                throw new IllegalArgumentException(source + ": entry " + i + " is not [architecture, accuracy]");
            }
            Architecture arch;
            try {
                arch = space instanceof Nb101 nb101 ? nb101.fromJson(pair.get(0), source + " entry " + i)
                        : space.parse(pair.get(0).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": entry " + i + ": " + e.getMessage(), e);
            }
            out.add(new Entry(arch, pair.get(1).asDouble()));
        }
        return out;
    }
}
