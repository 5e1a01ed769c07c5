package io.github.eproxy.cli;

import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.util.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that scores architectures. */
final class ProxyOptions {
    @Option(names = "--space", defaultValue = "nb201", description = "Search space: nb201 or nb101 (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--nb101-stem", defaultValue = "16",
            description = "NB101 stem width: 16 (reference's proxy variant, cheapest), 64 (ranks markedly better, "
                    + "about 4x the time; README) or 128 (the benchmark's) (default: ${DEFAULT-VALUE}).")
    int nb101Stem;

    @Option(names = "--config", description = "Eproxy configuration: a JSON file, or the JSON itself when it starts "
            + "with '{', e.g. '{\"lr\": 1.0}'; unnamed settings keep the space's defaults (default: plain Eproxy; "
            + "on NB101 at stem 16 the reference's 16-channel configuration, its head and FLOPs mixing alpha 0.1; "
            + "see README).")
    String config;

    @Option(names = "--proxy-seed", description = "Override the configuration's seed (images, targets, initialisation).")
    Long proxySeed;

    @Option(names = "--threads", defaultValue = "1",
            description = "Threads per architecture, at most the number of cores (default: ${DEFAULT-VALUE}; batch "
                    + "throughput is best with one thread per architecture and --concurrency = cores).")
    int threads;

    @Option(names = "--concurrency", description = "Architectures scored at once (default: number of cores).")
    Integer concurrency;

    @Option(names = "--backend", defaultValue = "auto",
            description = "Training engine: cpu, cuda (the GPU; an error without one) or auto (the GPU where usable, "
                    + "else the CPU) (default: ${DEFAULT-VALUE}).")
    String backend;

    private BackendChoice resolvedBackend;

    /** The --backend choice resolved once (auto becomes cpu or cuda, with a one-line note on stderr). */
    BackendChoice backend() {
        if (resolvedBackend == null) {
            resolvedBackend = BackendChoice.parse(backend).resolve(note -> System.err.println("eproxy: " + note));
        }
        return resolvedBackend;
    }

    /**
     * Threads per architecture, at most one per core: an architecture's threads spin while they wait for each
     * other, so more threads than cores only slow a run down.
     */
    int threads() {
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads < 1 || threads > cores) {
            throw new IllegalArgumentException("--threads must be in 1.." + cores + " (this machine's cores), got " + threads);
        }
        return threads;
    }

    int concurrency() {
        return concurrency != null ? concurrency : Runtime.getRuntime().availableProcessors();
    }

    SearchSpace searchSpace() {
        if (space.equals("nb101")) {
            return new Nb101(nb101Stem);
        }
        return SearchSpace.named(space);
    }

    EproxyConfig eproxyConfig() {
        EproxyConfig c = EproxyConfig.defaultFor(searchSpace());
        if (config != null) {
            boolean inline = config.strip().startsWith("{");
            try {
                c = EproxyConfig.fromJson(inline ? config : Files.readString(Path.of(config)), c);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + config + ": " + IoErrors.reason(e)
                        + (e instanceof NoSuchFileException ? " (inline JSON starts with '{')" : ""), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((inline ? "--config" : config) + ": " + e.getMessage(), e);
            }
        }
        return proxySeed == null ? c : c.withSeed(proxySeed);
    }

    Eproxy build() {
        return build(backend());
    }

    Eproxy build(BackendChoice engine) {
        return Eproxy.builder().space(searchSpace()).config(eproxyConfig()).threads(threads()).concurrency(concurrency())
                .backend(engine).build();
    }

    /** Whether the user named the GPU explicitly ({@code --backend cuda}), not through auto. */
    boolean cudaRequested() {
        return BackendChoice.parse(backend) == BackendChoice.CUDA;
    }
}
