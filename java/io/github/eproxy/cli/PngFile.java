package io.github.eproxy.cli;

import io.github.eproxy.util.IoErrors;
import java.awt.AWTError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes a chart as a PNG. Drawing needs the JVM's text rendering (java.desktop, with the system's
 * freetype and fontconfig), which a bare server may lack; there the chart is skipped with a warning
 * instead of failing a run whose results are written (or, in dps, still to come). A file that
 * cannot be written is an error naming it.
 */
final class PngFile {
    private PngFile() {
    }

    /** Whether the chart was drawn. */
    static boolean write(Path file, Chart<?, ?> chart) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + IoErrors.reason(e), e);
        } catch (RuntimeException | LinkageError | AWTError | InternalError e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the warning below says the chart is missing either way
            }
            System.err.println("eproxy: " + file.getFileName() + " not drawn, this JVM cannot draw charts here ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); the other outputs are unaffected");
            return false;
        }
    }
}
