package io.github.eproxy.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.testing.Tensors;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static Net chain() {
        NetBuilder b = new NetBuilder(new Shape(2, 3, 16, 16));
        int x = b.input();
        for (int i = 0; i < 6; i++) {
            x = b.relu(b.batchNorm(b.conv(x, 8, 3, 1, 1, false), true));
        }
        int unused = b.conv(x, 4, 1, 1, 0, true);
        b.mseLoss(b.conv(b.avgPool(x, 2, 2, 0), 4, 3, 1, 1, true), 0, 1.0);
        assertTrue(unused > 0);
        return b.build();
    }

    /** Each tensor fits in an int's range, but not all of them together: a clear error, not a negative offset. */
    @Test
    void aNetworkBeyondTheArenasRangeIsRefused() {
        NetBuilder b = new NetBuilder(new Shape(1, 1024, 1024, 1024));
        b.mseLoss(b.conv(b.relu(b.input()), 1, 1, 1, 0, true), 0, 1.0);
        Net net = b.build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Planner(1, true).plan(net));
        assertTrue(e.getMessage().startsWith("network too large: with 1 thread(s)"), e.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> new Shape(16, 1 << 24, 8, 8));
        assertEquals("tensor 16x16777216x8x8 has 17179869184 elements, more than the 2^31 - 1 a tensor may hold",
                one.getMessage());
        NetBuilder wide = new NetBuilder(new Shape(1, 1 << 16, 1, 1));
        IllegalArgumentException weights = assertThrows(IllegalArgumentException.class,
                () -> wide.conv(wide.input(), 1 << 16, 1, 1, 0, false));
        assertTrue(weights.getMessage().endsWith("[65536, 65536, 1, 1] has more than the 2^31 - 1 elements a tensor may hold"),
                weights.getMessage());
    }

    @Test
    void arenaIsSmallerThanAllTensorsTogether() {
        Plan plan = new Planner(2, true).plan(chain());
        assertTrue(plan.arenaSize < plan.unsharedSize, plan.arenaSize + " vs " + plan.unsharedSize);
        Plan noReuse = new Planner(2, false).plan(chain());
        assertTrue(noReuse.arenaSize >= noReuse.unsharedSize);
    }

    /**
     * A batch norm's ReLU is marked for fusion (by the native executor) where it is the batch norm's
     * only reader and runs right after it. That the lifetimes then hold is what NativeExecutorTest
     * checks: its nets fuse such pairs on a shared, NaN-filled arena and match the CPU backend.
     */
    @Test
    void reluAfterBatchNormIsMarkedForFusionWhereItIsTheOnlyReader() {
        NetBuilder b = new NetBuilder(new Shape(2, 3, 8, 8));
        int bn = b.batchNorm(b.conv(b.input(), 4, 3, 1, 1, false), true);
        int relu = b.relu(bn);
        int shared = b.batchNorm(b.conv(relu, 4, 3, 1, 1, false), true);
        int reluOfShared = b.relu(shared);
        int frozenInput = b.batchNorm(b.input(), false);
        b.mseLoss(b.conv(b.sum(reluOfShared, shared), 2, 1, 1, 0, false), 0, 1.0);
        b.mseLoss(b.conv(b.relu(frozenInput), 2, 1, 1, 0, false), 1, 1.0);
        Plan plan = new Planner(1, true).plan(b.build());
        assertEquals(relu, plan.reluAfter[bn]);
        assertEquals(-1, plan.reluAfter[shared], "read by the sum as well");
        assertEquals(-1, plan.reluAfter[frozenInput], "needs no gradient");
        int[] step = new int[plan.net.nodes().size()];
        for (int i = 0; i < plan.forward.length; i++) {
            step[plan.forward[i]] = i;
        }
        assertEquals(step[bn] + 1, step[relu]);
    }

    @Test
    void nodesThatFeedNoLossAreDropped() {
        Net net = chain();
        Plan plan = new Planner(1, true).plan(net);
        int unused = net.nodes().size() - 4;
        assertEquals(-1, plan.act[unused]);
        for (int id : plan.forward) {
            assertTrue(id != unused);
        }
    }

    @Test
    void reuseDoesNotChangeResults() {
        Net net = chain();
        Plan shared = new Planner(2, true).plan(net);
        Plan separate = new Planner(2, false).plan(net);
        float[] params = ParamInit.initialValues(shared, 11);
        float[] input = Tensors.random(net.input().shape().numel(), 12);
        float[][] target = {Tensors.random(2 * 4 * 8 * 8, 13)};
        SgdSettings sgd = new SgdSettings(0.5f, 0.9f, 4e-5f);
        try (CpuBackend cpu = new CpuBackend(2)) {
            LossCurve a = cpu.train(new TrainingRun(shared, params, input, target, sgd, 5));
            float[] pa = cpu.params();
            LossCurve b = cpu.train(new TrainingRun(separate, params, input, target, sgd, 5));
            assertArrayEquals(a.train(), b.train());
            assertArrayEquals(pa, cpu.params());
        }
    }
}
