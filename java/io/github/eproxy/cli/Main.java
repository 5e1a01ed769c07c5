package io.github.eproxy.cli;

import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eproxy} command line. Errors print one line and exit non-zero; no stack traces. */
@Command(name = "eproxy", mixinStandardHelpOptions = true, version = "eproxy 0.1.0",
        description = "Eproxy + Discrete Proxy Search: a near-zero-cost proxy for neural architecture search.",
        subcommands = {ScoreCommand.class, EvaluateCommand.class, DpsCommand.class, SearchCommand.class, CompareCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean userError = e instanceof IllegalArgumentException || e instanceof UncheckedIOException;
            cmd.getErr().println("eproxy " + cmd.getCommandName() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return userError ? 2 : 1;
        });
        return cli.execute(args);
    }
}
