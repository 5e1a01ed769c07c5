package io.github.eproxy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
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
}
