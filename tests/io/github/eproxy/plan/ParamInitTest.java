package io.github.eproxy.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Initial values follow torch.nn.init's formulas for a conv with in=32, out=64, k=3 (fan_in 288, fan_out 576). */
class ParamInitTest {

    private static float[] weights(Init init, boolean bias, boolean wantBias) {
        NetBuilder b = new NetBuilder(new Shape(1, 32, 5, 5)).init(init);
        b.mseLoss(b.batchNorm(b.conv(b.input(), 64, 3, 1, 1, bias), true), 0, 1);
        Plan plan = new Planner(1, true).plan(b.build());
        float[] all = ParamInit.initialValues(plan, 5);
        int index = wantBias ? 1 : 0;
        int n = plan.net.params().get(index).numel();
        float[] out = new float[n];
        System.arraycopy(all, plan.paramOffset[index], out, 0, n);
        return out;
    }

    private static double std(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * (double) x;
        }
        return Math.sqrt(s / v.length);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void stdAndBoundsMatchTorchFormulas() {
        double fanIn = 288;
        double fanOut = 576;
        double xavier = Math.sqrt(2 / (fanIn + fanOut));
        double kaiming = Math.sqrt(2 / fanOut);
        // 18,432 draws: the sample std is within 2% of the true one with overwhelming probability
        assertEquals(xavier, std(weights(Init.XAVIER_NORMAL, false, false)), 0.02 * xavier);
        assertEquals(xavier, std(weights(Init.XAVIER_UNIFORM, false, false)), 0.02 * xavier);
        assertTrue(maxAbs(weights(Init.XAVIER_UNIFORM, false, false)) <= Math.sqrt(3) * xavier);
        assertEquals(kaiming, std(weights(Init.KAIMING_NORMAL, false, false)), 0.02 * kaiming);
        assertEquals(kaiming, std(weights(Init.KAIMING_UNIFORM, false, false)), 0.02 * kaiming);
        assertTrue(maxAbs(weights(Init.KAIMING_UNIFORM, false, false)) <= Math.sqrt(3) * kaiming);
        double bound = 1 / Math.sqrt(fanIn);
        assertTrue(maxAbs(weights(Init.PYTORCH_DEFAULT, true, false)) <= bound);
        assertEquals(bound / Math.sqrt(3), std(weights(Init.PYTORCH_DEFAULT, true, false)), 0.02 * bound);
        assertTrue(maxAbs(weights(Init.PYTORCH_DEFAULT, true, true)) <= bound);
        assertEquals(1.0, std(weights(Init.STANDARD_NORMAL, false, false)), 0.02);
    }

    @Test
    void biasesAndBatchNormStartWhereTorchPutsThem() {
        for (float v : weights(Init.XAVIER_NORMAL, true, true)) {
            assertEquals(0.01f, v);
        }
        for (float v : weights(Init.KAIMING_NORMAL, true, true)) {
            assertEquals(0f, v);
        }
        for (float v : weights(Init.STANDARD_NORMAL, true, true)) {
            assertEquals(0f, v);
        }
        NetBuilder b = new NetBuilder(new Shape(1, 3, 4, 4));
        b.mseLoss(b.batchNorm(b.input(), true), 0, 1);
        Plan plan = new Planner(1, true).plan(b.build());
        float[] values = ParamInit.initialValues(plan, 1);
        assertEquals(1f, values[plan.paramOffset[0]]);
        assertEquals(0f, values[plan.paramOffset[1]]);
    }

    /** A net with {@code trainableWidth} trainable channels before a frozen 3x3 conv to 4 channels. */
    private static Plan withFrozenHead(int trainableWidth, Init frozenInit) {
        NetBuilder b = new NetBuilder(new Shape(1, 3, 6, 6));
        int x = b.conv(b.input(), trainableWidth, 3, 1, 1, true);
        x = b.conv(x, 8, 1, 1, 0, true);
        b.frozen(true).init(frozenInit);
        b.mseLoss(b.conv(x, 4, 3, 1, 1, true), 0, 1);
        return new Planner(1, true).plan(b.build());
    }

    private static float[] frozenPart(Plan plan, long seed) {
        float[] all = ParamInit.initialValues(plan, seed);
        return Arrays.copyOfRange(all, plan.trainableSize, plan.paramSize);
    }

    /** The frozen barrier is the same whatever comes before it, and follows the seed and its init scheme (values are cached). */
    @Test
    void frozenValuesDependOnlyOnSeedAndFrozenLayers() {
        float[] small = frozenPart(withFrozenHead(4, Init.PYTORCH_DEFAULT), 7);
        float[] large = frozenPart(withFrozenHead(16, Init.PYTORCH_DEFAULT), 7);
        assertArrayEquals(small, large);
        assertArrayEquals(small, frozenPart(withFrozenHead(4, Init.PYTORCH_DEFAULT), 7));
        assertFalse(Arrays.equals(small, frozenPart(withFrozenHead(4, Init.PYTORCH_DEFAULT), 8)), "another seed");
        assertFalse(Arrays.equals(small, frozenPart(withFrozenHead(4, Init.XAVIER_UNIFORM), 7)), "another scheme");
        float[] trainableA = ParamInit.initialValues(withFrozenHead(4, Init.PYTORCH_DEFAULT), 7);
        float[] trainableB = ParamInit.initialValues(withFrozenHead(4, Init.XAVIER_UNIFORM), 7);
        Plan plan = withFrozenHead(4, Init.PYTORCH_DEFAULT);
        assertArrayEquals(Arrays.copyOf(trainableA, plan.trainableSize),
                Arrays.copyOf(trainableB, plan.trainableSize), "the frozen scheme does not touch trainable values");
    }
}
