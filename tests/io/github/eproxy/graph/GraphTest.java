package io.github.eproxy.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GraphTest {

    @Test
    void shapesFollowPytorchFormulas() {
        NetBuilder b = new NetBuilder(new Shape(2, 4, 17, 10));
        int c = b.conv(b.input(), 6, 3, 2, 1, 1, 2, true);
        assertEquals(new Shape(2, 6, 9, 5), b.shape(c));
        int d = b.conv(c, 6, 3, 1, 2, 2, 1, false);
        assertEquals(new Shape(2, 6, 9, 5), b.shape(d));
        assertEquals(new Shape(2, 6, 4, 2), b.shape(b.maxPool(d, 3, 2, 0)));
        assertEquals(new Shape(2, 6, 9, 5), b.shape(b.avgPool(d, 3, 1, 1)));
        assertEquals(new Shape(2, 12, 9, 5), b.shape(b.concat(c, d)));
        assertEquals(new Shape(2, 6, 8, 8), b.shape(b.resize(d, 8, 8)));
        assertEquals(new Shape(2, 3, 9, 5), b.shape(b.slice(d, 3)));
    }

    @Test
    void paramsAndMacsComeFromTheIr() {
        NetBuilder b = new NetBuilder(new Shape(16, 3, 32, 32));
        int c = b.conv(b.input(), 16, 3, 1, 1, false);
        int bn = b.batchNorm(c, true);
        b.frozen(true);
        b.mseLoss(b.conv(bn, 8, 1, 1, 0, true), 0, 1);
        Net net = b.build();
        assertEquals(16 * 3 * 9 + 32 + 8 * 16 + 8, net.paramCount(false));
        assertEquals(16 * 3 * 9 + 32, net.paramCount(true));
        assertEquals(16 * 3 * 9 + 32, net.paramCount(3), "parameters of the nodes before the frozen conv");
        assertEquals(32L * 32 * 16 * 3 * 9 + 32L * 32 * 8 * 16, net.macsPerImage());
        assertEquals(16 * net.macsPerImage(), net.macsPerBatch());
    }

    @Test
    void mismatchedShapesNameTheOpAndShapes() {
        NetBuilder b = new NetBuilder(new Shape(2, 3, 8, 8));
        int c = b.conv(b.input(), 4, 3, 2, 1, false);
        GraphException e = assertThrows(GraphException.class, () -> b.sum(c, b.input()));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("2x4x4x4")
                && e.getMessage().contains("2x3x8x8"), e.getMessage());
        GraphException g = assertThrows(GraphException.class, () -> b.conv(b.input(), 4, 3, 1, 1, 1, 2, false));
        assertTrue(g.getMessage().contains("conv2d") && g.getMessage().contains("groups"), g.getMessage());
        GraphException k = assertThrows(GraphException.class, () -> b.conv(c, 4, 7, 1, 0, false));
        assertTrue(k.getMessage().contains("does not fit input 2x4x4x4"), k.getMessage());
    }

    @Test
    void unknownOpInJsonIsRejectedByName() {
        GraphException e = assertThrows(GraphException.class, () -> NetJson.read(
                "{\"input\":[1,3,8,8],\"nodes\":[{\"op\":\"conv2d\",\"in\":[0],\"out\":4,\"kernel\":3,\"padding\":1},"
                        + "{\"op\":\"swish\",\"in\":[1]}]}"));
        assertTrue(e.getMessage().contains("node 2") && e.getMessage().contains("unknown op 'swish'"), e.getMessage());
        GraphException shapes = assertThrows(GraphException.class, () -> NetJson.read(
                "{\"input\":[1,3,8,8],\"nodes\":[{\"op\":\"conv2d\",\"in\":[0],\"out\":4,\"kernel\":3},"
                        + "{\"op\":\"add\",\"in\":[0,1]}]}"));
        assertTrue(shapes.getMessage().contains("1x3x8x8, 1x4x6x6"), shapes.getMessage());
    }

    @Test
    void jsonNetBuilds() {
        Net net = NetJson.read("{\"input\":[2,3,8,8],\"nodes\":[{\"op\":\"conv2d\",\"in\":[0],\"out\":4,\"kernel\":3,"
                + "\"padding\":1},{\"op\":\"batchnorm\",\"in\":[1]},{\"op\":\"relu\",\"in\":[2]},"
                + "{\"op\":\"maxpool\",\"in\":[3],\"kernel\":2},{\"op\":\"mse\",\"in\":[4],\"target\":0}]}");
        assertEquals(new Shape(2, 4, 4, 4), net.node(4).shape());
        assertEquals(1, net.losses().size());
    }

    @Test
    void zeroCutsEveryPathMeansInputIndependent() {
        NetBuilder b = new NetBuilder(new Shape(1, 2, 4, 4));
        int z = b.zero(b.conv(b.input(), 2, 1, 1, 0, false));
        b.mseLoss(b.conv(z, 2, 1, 1, 0, true), 0, 1);
        assertTrue(b.build().isInputIndependent());
        NetBuilder live = new NetBuilder(new Shape(1, 2, 4, 4));
        live.mseLoss(live.sum(live.zero(live.input()), live.relu(live.input())), 0, 1);
        assertFalse(live.build().isInputIndependent());
    }
}
