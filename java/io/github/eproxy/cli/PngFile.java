package io.github.eproxy.cli;

import io.github.eproxy.util.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Writes a chart as a PNG; a failure names the file. */
final class PngFile {
    private PngFile() {
    }

    static void write(Path file, Chart<?, ?> chart) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + IoErrors.reason(e), e);
        }
    }
}
