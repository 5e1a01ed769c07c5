package io.github.eproxy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Proxy score (log scale) against true accuracy, as a PNG. Infinite scores are left out and counted in the title. */
final class ScatterPlot {
    private ScatterPlot() {
    }

    /** Whether the chart was drawn ({@link PngFile#write}). */
    static boolean write(Path file, String title, String xLabel, double[] scores, double[] accuracies) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        int left = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isFinite(scores[i]) && scores[i] > 0) {
                xs.add(scores[i]);
                ys.add(accuracies[i]);
            } else {
                left++;
            }
        }
        XYChart chart = new XYChartBuilder().width(800).height(600)
                .title(title + (left > 0 ? " (" + left + " degenerate/diverged not shown)" : ""))
                .xAxisTitle(xLabel).yAxisTitle("true accuracy").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(5);
        if (!xs.isEmpty()) {
            chart.addSeries("architectures", xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        return PngFile.write(file, chart);
    }
}
