package io.github.eproxy.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;

class PngFileTest {

    private static CategoryChart chart() {
        CategoryChart chart = new CategoryChart(200, 100);
        chart.addSeries("rho", List.of("a", "b"), List.of(0.5, 0.7));
        return chart;
    }

    @Test
    void drawsAChart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("chart.png");
        assertTrue(PngFile.write(file, chart()));
        assertTrue(Files.size(file) > 0);
    }

    /** As on a server whose JVM finds no usable freetype: the chart is skipped, no empty file is left. */
    @Test
    void aJvmThatCannotDrawTextSkipsTheChart(@TempDir Path dir) {
        CategoryChart broken = new CategoryChart(200, 100) {
            @Override
            public void paint(Graphics2D g, int width, int height) {
                throw new UnsatisfiedLinkError("libfontmanager.so: undefined symbol: FT_Set_Var_Design_Coordinates");
            }
        };
        Path file = dir.resolve("chart.png");
        assertFalse(PngFile.write(file, broken));
        assertFalse(Files.exists(file), "no empty or partial PNG is left behind");
    }

    @Test
    void aFileThatCannotBeWrittenIsAnErrorNamingIt(@TempDir Path dir) {
        Path file = dir.resolve("missing-folder").resolve("chart.png");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> PngFile.write(file, chart()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
