package io.github.eproxy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.testing.Tensors;
import org.junit.jupiter.api.Test;

/** A frozen activation pattern reproduces the pass it was taken from, and is linear in the input away from it. */
class FrozenPatternTest {
    private static final SgdSettings SGD = new SgdSettings(0.1f, 0f, 0f);

    @Test
    void frozenReluAndMaxPoolReproduceTheirPassAndStayFixed() {
        NetBuilder b = new NetBuilder(new Shape(2, 3, 9, 9));
        int y = b.maxPool(b.relu(b.conv(b.input(), 4, 3, 1, 1, false)), 3, 2, 1);
        b.mseLoss(b.conv(b.relu(y), 2, 1, 1, 0, true), 0, 1);
        Plan plan = new Planner(2, false).plan(b.build());
        float[] params = ParamInit.initialValues(plan, 5);
        float[] input = Tensors.random(plan.net.input().shape().numel(), 6);
        float[][] target = {Tensors.random(2 * 2 * 5 * 5, 7)};
        try (CpuBackend cpu = new CpuBackend(2)) {
            double loss = cpu.gradients(new TrainingRun(plan, params, input, target, SGD, 1));
            float[] grads = cpu.paramGradients();
            cpu.freezeActivationPattern();
            assertEquals(loss, cpu.gradients(new TrainingRun(plan, params, input, target, SGD, 1)));
            assertArrayEquals(grads, cpu.paramGradients(), "same point, same pattern, same gradients");
            // Negated input: every unit would switch; frozen, the first layer (no bias) is linear, so its output negates too
            float[] negated = input.clone();
            for (int i = 0; i < negated.length; i++) {
                negated[i] = -input[i];
            }
            cpu.gradients(new TrainingRun(plan, params, negated, target, SGD, 1));
            float[] pooled = cpu.output(y);
            cpu.thawActivationPattern();
            cpu.gradients(new TrainingRun(plan, params, input, target, SGD, 1));
            float[] original = cpu.output(y);
            for (int i = 0; i < pooled.length; i++) {
                assertEquals(-original[i], pooled[i], 1e-6f);
            }
            cpu.freezeActivationPattern();
            Plan other = new Planner(2, false).plan(plan.net);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> cpu.gradients(new TrainingRun(other, params, input, target, SGD, 1)));
            assertTrue(e.getMessage().contains("thawActivationPattern"), e.getMessage());
        }
    }
}
