package io.github.eproxy.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr (a new line every tenth of the way when stderr is not a terminal). */
final class Progress {
    private final PrintStream err = System.err;
    private final String label;
    private final int total;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int done;

    Progress(String label, int total, int alreadyDone) {
        this.label = label;
        this.total = total;
        this.done = alreadyDone;
    }

    synchronized void step() {
        done++;
        long now = System.nanoTime();
        boolean tenth = total >= 10 && done % Math.max(1, total / 10) == 0;
        if (done == total || (terminal && now - lastDraw > 250_000_000L) || (!terminal && tenth)) {
            lastDraw = now;
            draw(now);
        }
    }

    private void draw(long now) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        double seconds = (now - start) / 1e9;
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        String line = String.format("%s [%s] %d/%d  %.0fs", label, bar, done, total, seconds);
        if (terminal) {
            err.print("\r" + line + (done == total ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
