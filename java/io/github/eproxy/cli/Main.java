package io.github.eproxy.cli;

import io.github.eproxy.backend.cpu.BlasFingerprint;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eproxy} command line. Errors print one line and exit non-zero; no stack traces. */
@Command(name = "eproxy", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Eproxy + Discrete Proxy Search: a near-zero-cost proxy for neural architecture search.",
        subcommands = {ScoreCommand.class, EvaluateCommand.class, DpsCommand.class, SearchCommand.class, CompareCommand.class})
public final class Main {

    /** The version and runtime, with the OpenBLAS kernels' fingerprint (what a CPU score's bits depend on besides the options). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"eproxy 0.1.0",
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                openBlas()};
        }

        private static String openBlas() {
            try {
                return BlasFingerprint.library() + ", products fingerprint " + BlasFingerprint.value()
                        + " (the CPU engine's scores repeat bit for bit where this is the same)";
            } catch (LinkageError e) {
                return "OpenBLAS cannot be loaded on this platform (" + e.getMessage() + ")";
            }
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            OutOfMemoryError oom = outOfMemoryCause(e);
            String prefix = "eproxy " + cmd.getCommandName() + ": ";
            if (oom != null) {
                cmd.getErr().println(prefix + outOfMemory(oom));
                return 1;
            }
            boolean userError = e instanceof IllegalArgumentException || e instanceof UncheckedIOException;
            cmd.getErr().println(prefix + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return userError ? 2 : 1;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // Errors thrown on the command's own thread bypass picocli's handler.
            cli.getErr().println("eproxy: " + outOfMemory(e));
            return 1;
        }
    }

    /** The out-of-memory error behind an exception from a worker thread, or null. */
    private static OutOfMemoryError outOfMemoryCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    private static String outOfMemory(OutOfMemoryError e) {
        return "out of memory (" + e.getMessage() + "); lower --concurrency or --threads, or the configuration's "
                + "batch and channel sizes, or raise the JVM's -Xmx (which also bounds native memory)";
    }
}
