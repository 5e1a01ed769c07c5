package io.github.eproxy.searchspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.stats.Ranking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Nb201Test {
    private final Nb201 space = new Nb201();

    @Test
    void parsesBothFormsAndRoundTrips() {
        String text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|";
        Nb201.Cell a = space.parse(text);
        Nb201.Cell b = space.parse("[[3],[3,1],[0,3,2]]");
        assertEquals(a, b);
        assertEquals(text, a.id());
        assertEquals(a, space.parse(a.id()));
        for (int i = 0; i < Nb201.SIZE; i += 97) {
            Nb201.Cell c = space.cell(i);
            assertEquals(i, c.index());
            assertEquals(c, space.parse(c.id()));
        }
    }

    @Test
    void badTextSaysWhatAndWhere() {
        assertMessage("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", "unknown op 'conv_5x5' on edge 0->1");
        assertMessage("|none~0|+|none~0|+|none~0|none~1|none~2|", "node 2 needs 2 incoming edges, got 1");
        assertMessage("|none~0|+|none~0|none~1|", "expected 3 node groups");
        assertMessage("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "must be op~0");
        assertMessage("[[3],[3,1],[0,3,9]]", "index form");
    }

    private void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> space.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /**
     * Every cell builds; convolutions are counted on every edge, so MACs are a function of the
     * numbers of conv3x3 and conv1x1 edges, strictly increasing in each.
     */
    @Test
    void allCellsBuildAndMacsFollowConvEdges() {
        Map<Integer, Long> byCounts = new HashMap<>();
        for (Nb201.Cell c : space.all()) {
            int n3 = 0;
            int n1 = 0;
            for (int op : c.ops()) {
                n3 += op == 3 ? 1 : 0;
                n1 += op == 2 ? 1 : 0;
            }
            long macs = c.macs();
            Long seen = byCounts.putIfAbsent(n3 * 10 + n1, macs);
            assertTrue(seen == null || seen == macs, c.id());
        }
        for (int n3 = 0; n3 <= 6; n3++) {
            for (int n1 = 0; n3 + n1 <= 6; n1++) {
                long m = byCounts.get(n3 * 10 + n1);
                if (n3 + n1 < 6) {
                    assertTrue(byCounts.get((n3 + 1) * 10 + n1) > m);
                    assertTrue(byCounts.get(n3 * 10 + n1 + 1) > m);
                }
            }
        }
        assertEquals(space.maxMacs(), byCounts.get(60));
    }

    /** Our convolution-only count against the FLOPs NASLib published for 724 cells (which add BN, pooling, classifier). */
    @Test
    void macsAgreeWithPublishedFlops() throws IOException {
        Path csv = Path.of("../shared/data/nb201/nb201-zc-naslib-cifar10-724.csv");
        List<String> lines = Files.readAllLines(csv);
        double[] ours = new double[lines.size() - 1];
        double[] theirs = new double[ours.length];
        for (int i = 1; i < lines.size(); i++) {
            String[] quoted = lines.get(i).split("\"");  // index,arch,"(op indices)",val_accuracy,flops,...
            String arch = quoted[0].split(",")[1];
            ours[i - 1] = space.parse(arch).macs() / 1e6;
            theirs[i - 1] = Double.parseDouble(quoted[2].split(",")[2]);
            assertTrue(ours[i - 1] <= theirs[i - 1], arch);
            assertTrue(theirs[i - 1] - ours[i - 1] < 0.1 * theirs[i - 1] + 8, arch);
        }
        assertTrue(Ranking.spearman(ours, theirs) > 0.99);
    }

    @Test
    void noLivePathMeansDegenerate() {
        assertTrue(degenerate("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|"));
        assertTrue(degenerate("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|"));
        assertTrue(!degenerate("|none~0|+|none~0|none~1|+|avg_pool_3x3~0|none~1|none~2|"));
    }

    private boolean degenerate(String cell) {
        NetBuilder b = new NetBuilder(new Shape(2, 3, 32, 32));
        b.mseLoss(space.parse(cell).build(b)[0], 0, 1);
        Net net = b.build();
        return net.isInputIndependent();
    }

    @Test
    void tapsHaveTheStagesShapes() {
        NetBuilder b = new NetBuilder(new Shape(2, 3, 32, 32));
        int[] taps = space.cell(12345).build(b);
        assertEquals(new Shape(2, 64, 8, 8), b.shape(taps[0]));
        assertEquals(new Shape(2, 32, 16, 16), b.shape(taps[1]));
        assertEquals(new Shape(2, 16, 32, 32), b.shape(taps[2]));
    }

    @Test
    void mutationChangesExactlyOneEdge() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 200; i++) {
            Nb201.Cell c = space.sample(rng);
            Nb201.Cell m = space.mutate(c, rng);
            int diff = 0;
            for (int e = 0; e < Nb201.EDGES; e++) {
                diff += c.ops()[e] != m.ops()[e] ? 1 : 0;
            }
            assertEquals(1, diff);
            assertNotEquals(c, m);
        }
    }

    @Test
    void benchmarkTableCoversEveryCell() {
        List<Benchmark.Entry> table = Benchmark.load(space);
        assertEquals(Nb201.SIZE, table.size());
        assertEquals(Nb201.SIZE, table.stream().map(e -> e.arch().id()).distinct().count());
    }
}
