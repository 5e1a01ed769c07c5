package io.github.eproxy.proxy.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Nb201;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.junit.jupiter.api.Test;

class BaselineProxiesTest {
    private static final Nb201 SPACE = new Nb201(4);
    private static final Architecture CONV = SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|");
    private static final Architecture DEAD = SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|");

    private static Naswot naswot() {
        return new Naswot(EproxyConfig.DEFAULT);
    }

    @Test
    void naswotKernelByHand() {
        // Two images, three ReLU units: codes 101 and 110 differ in two units.
        long[] distance = new long[4];
        Naswot.addHamming(new float[] {0.5f, -1f, 2f, 0.1f, 3f, 0f}, 3, distance);
        assertArrayEquals(new long[] {0, 2, 2, 0}, distance);
        // K = [[3, 1], [1, 3]], det 8.
        assertEquals(Math.log(8), Naswot.logAbsDet(new Array2DRowRealMatrix(new double[][] {{3, 1}, {1, 3}})), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, Naswot.logAbsDet(new Array2DRowRealMatrix(new double[][] {{3, 3}, {3, 3}})));
    }

    @Test
    void naswotRanksAnInputIndependentNetLastAndIsDeterministic() {
        Naswot p = naswot();
        double live = p.score(CONV);
        assertTrue(Double.isFinite(live), "a live net has distinct activation codes: " + live);
        assertEquals(live, p.score(CONV), "same images, same initialisation, same score");
        assertEquals(Double.NEGATIVE_INFINITY, p.score(DEAD), "identical codes for every image make K singular");
        assertTrue(p.higherIsBetter());
        assertEquals(-live, p.rankingScore(CONV));
    }

    @Test
    void sizeBaselinesCountTheBackbone() {
        assertEquals(CONV.macs(), new FlopsProxy().score(CONV));
        double params = new ParamsProxy().score(CONV);
        double more = new ParamsProxy().score(SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"));
        assertTrue(params > 0 && more > params, params + " vs " + more);
    }
}
