package io.github.eproxy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.testing.Tensors;
import org.junit.jupiter.api.Test;

/** Whole training runs on a small residual network: loss goes down, SGD matches PyTorch's rule, results repeat. */
class TrainingTest {

    /** conv-BN-ReLU, a residual add, a pool, a frozen conv, and an MSE loss. */
    static Net smallNet() {
        NetBuilder b = new NetBuilder(new Shape(4, 3, 12, 12)).init(Init.KAIMING_NORMAL);
        int x = b.relu(b.batchNorm(b.conv(b.input(), 8, 3, 1, 1, false), true));
        int y = b.batchNorm(b.conv(b.relu(x), 8, 3, 1, 1, false), false);
        int res = b.sum(x, y);
        int pooled = b.avgPool(res, 2, 2, 0);
        int head = b.relu(b.batchNorm(b.conv(pooled, 8, 1, 1, 0, true), true));
        b.frozen(true);
        b.mseLoss(b.conv(head, 4, 3, 1, 1, true), 0, 1.0);
        return b.build();
    }

    private static TrainingRun run(Plan plan, int iterations, float lr) {
        Net net = plan.net;
        float[] target = Tensors.random(4 * 4 * 6 * 6, 7);
        for (int i = 0; i < target.length; i++) {
            target[i] *= 0.5f;
        }
        return new TrainingRun(plan, ParamInit.initialValues(plan, 3), Tensors.random(net.input().shape().numel(), 5),
                new float[][] {target}, new SgdSettings(lr, 0.9f, 4e-5f), iterations);
    }

    @Test
    void lossDecreases() {
        Plan plan = new Planner(2, true).plan(smallNet());
        try (CpuBackend cpu = new CpuBackend(2)) {
            LossCurve c = cpu.train(run(plan, 10, 0.05f));
            assertTrue(c.train()[9] < 0.8 * c.train()[0], "loss should fall: " + java.util.Arrays.toString(c.train()));
        }
    }

    /** Two iterations: p1 = p0 - lr (g0 + wd p0); p2 = p1 - lr (mu (g0 + wd p0) + g1 + wd p1). */
    @Test
    void sgdStepsMatchTorchFormula() {
        Plan plan = new Planner(1, true).plan(smallNet());
        TrainingRun base = run(plan, 2, 0.05f);
        float lr = 0.05f;
        float wd = 4e-5f;
        float mu = 0.9f;
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.train(base);
            float[] g0 = cpu.paramGradients();
            float[] p0 = base.params();
            float[] p1 = cpu.params();
            cpu.train(new TrainingRun(plan, p1, base.input(), base.targets(), base.sgd(), 2));
            float[] g1 = cpu.paramGradients();
            cpu.train(run(plan, 3, lr));
            float[] p2 = cpu.params();
            double[] expect1 = new double[p0.length];
            double[] expect2 = new double[p0.length];
            for (int i = 0; i < p0.length; i++) {
                boolean trainable = i < plan.trainableSize;
                float d0 = g0[i] + wd * p0[i];
                expect1[i] = trainable ? p0[i] - lr * d0 : p0[i];
                float m1 = mu * d0 + g1[i] + wd * p1[i];
                expect2[i] = trainable ? p1[i] - lr * m1 : p1[i];
            }
            Tensors.assertClose("first step", expect1, Tensors.toDouble(p1), 0, 0);
            Tensors.assertClose("second step", expect2, Tensors.toDouble(p2), 1e-7, 1e-6);
        }
    }

    @Test
    void frozenParametersNeverChange() {
        Plan plan = new Planner(2, true).plan(smallNet());
        TrainingRun r = run(plan, 5, 0.1f);
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.train(r);
            float[] after = cpu.params();
            for (int i = plan.trainableSize; i < plan.paramSize; i++) {
                assertEquals(r.params()[i], after[i], "frozen value " + i);
            }
            assertTrue(plan.trainableSize < plan.paramSize);
        }
    }

    @Test
    void sameSeedSameBits() {
        Plan plan = new Planner(2, true).plan(smallNet());
        try (CpuBackend a = new CpuBackend(2); CpuBackend b = new CpuBackend(2)) {
            LossCurve first = a.train(run(plan, 6, 0.1f));
            LossCurve again = a.train(run(plan, 6, 0.1f));
            LossCurve other = b.train(run(plan, 6, 0.1f));
            assertArrayEquals(first.train(), again.train());
            assertArrayEquals(first.train(), other.train());
            assertArrayEquals(a.params(), b.params());
        }
    }
}
