package io.github.eproxy.searchspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Nb101Test {
    private final Nb101 space = new Nb101(16);

    @Test
    void parsesPrunesAndRoundTrips() {
        // vertex 2 (conv1x1) has no path to the output: pruned, as the benchmark's ModelSpec does
        Nb101.Spec s = space.parse("[[[0,1,1,0],[0,0,0,1],[0,0,0,0],[0,0,0,0]],"
                + "[\"input\",\"conv3x3-bn-relu\",\"conv1x1-bn-relu\",\"output\"]]");
        assertEquals(List.of("input", "conv3x3-bn-relu", "output"), s.ops());
        assertEquals(s, space.parse(s.id()));
    }

    @Test
    void vertexChannelsFollowTheBenchmark() {
        // input -> 1 -> 2 -> output, input -> 3 -> output: two vertices feed the output
        Nb101.Spec s = space.parse("[[[0,1,0,1,0],[0,0,1,0,0],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,0]],"
                + "[\"input\",\"conv3x3-bn-relu\",\"conv1x1-bn-relu\",\"maxpool3x3\",\"output\"]]");
        assertArrayEquals(new int[] {16, 33, 33, 32, 65}, s.vertexChannels(16, 65));
    }

    @Test
    void badCellsSayWhatAndWhere() {
        assertMessage("[[[0,1],[0,0]],[\"input\",\"conv5x5\"]]", "first op must be 'input' and last 'output'");
        assertMessage("[[[0,1,0],[0,0,1],[0,0,0]],[\"input\",\"conv5x5\",\"output\"]]", "unknown op 'conv5x5' at vertex 1");
        assertMessage("[[[0,1,0],[0,0,0],[0,0,0]],[\"input\",\"conv3x3-bn-relu\",\"output\"]]", "no path from input to output");
        assertMessage("[[[0,1],[1,0]],[\"input\",\"output\"]]", "strictly upper triangular");
        assertMessage("[[[0,1]],[\"input\",\"output\"]]", "the matrix must be square, a list of 1 rows of 1 entries; row 0 is [0,1]");
        assertMessage("not json", "not JSON");
        StringBuilder dense = new StringBuilder("[[");
        for (int i = 0; i < 7; i++) {
            dense.append(i > 0 ? "," : "").append("[");
            for (int j = 0; j < 7; j++) {
                dense.append(j > 0 ? "," : "").append(j > i ? 1 : 0);
            }
            dense.append("]");
        }
        dense.append("],[\"input\",\"maxpool3x3\",\"maxpool3x3\",\"maxpool3x3\",\"maxpool3x3\",\"maxpool3x3\",\"output\"]]");
        assertMessage(dense.toString(), "21 edges, at most 9 allowed");
    }

    private void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> space.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aStemTooNarrowForTheCellSaysSo() {
        String threeOutputs = "[[[0,1,1,1,0],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,0]],"
                + "[\"input\",\"conv1x1-bn-relu\",\"conv1x1-bn-relu\",\"conv1x1-bn-relu\",\"output\"]]";
        Architecture cell = new Nb101(2).parse(threeOutputs);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cell.build(new NetBuilder(new Shape(2, 3, 32, 32))));
        assertTrue(e.getMessage().contains("stem width 2 is too narrow for cell") && e.getMessage().endsWith(
                "splits 2 channels among 3 vertices"), e.getMessage());
        new Nb101(3).parse(threeOutputs).build(new NetBuilder(new Shape(2, 3, 32, 32)));
    }

    @Test
    void bundledSampleBuildsWithTapsAtThePools() {
        List<Benchmark.Entry> table = Benchmark.load(space);
        assertEquals(2500, table.size());
        for (Benchmark.Entry e : table.subList(0, 300)) {
            NetBuilder b = new NetBuilder(new Shape(2, 3, 32, 32));
            int[] taps = e.arch().build(b);
            assertEquals(new Shape(2, 64, 8, 8), b.shape(taps[0]));
            assertEquals(new Shape(2, 32, 16, 16), b.shape(taps[1]));
            assertEquals(new Shape(2, 16, 32, 32), b.shape(taps[2]));
            assertTrue(e.accuracy() > 0 && e.accuracy() < 1);
        }
        assertTrue(space.maxMacs() > 0);
    }

    /** The normaliser of FLOPs mixing: the largest of the 2,500 at each stem width, whichever instance asks. */
    @Test
    void maxMacsIsTheLargestBundledBackboneAtEachStem() {
        for (int stem : new int[] {16, 32}) {
            Nb101 fresh = new Nb101(stem);
            long largest = Benchmark.load(fresh).stream().mapToLong(e -> e.arch().macs()).max().orElseThrow();
            assertEquals(largest, fresh.maxMacs());
            assertEquals(largest, new Nb101(stem).maxMacs());
        }
        assertEquals(112_902_144L, new Nb101(16).maxMacs());
        assertEquals(450_723_840L, new Nb101(32).maxMacs());
    }

    @Test
    void sampleAndMutateGiveValidCells() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 100; i++) {
            Nb101.Spec s = space.sample(rng);
            Nb101.Spec m = space.mutate(s, rng);
            assertEquals(m, space.parse(m.id()));
            assertTrue(!m.equals(s));
        }
    }
}
