package io.github.eproxy.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Op;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Nb201;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Parity with libtorch from identical initial weights, batch, targets and optimiser, on
 * {@link TorchParity}'s NB201 cells (bench profile only, it needs libtorch:
 * {@code mvn -Pbench test -Dtest=TorchParityTest}).
 *
 * <p>What float32 allows is asserted. On every cell, the first loss matches libtorch float32 and
 * float64 within 1e-4. The first gradient matches float64 within 5e-2: the scatter of every float32
 * engine on these cells (libtorch float32's own is up to 2.6e-2), where a wrong backward is off by
 * the gradient's own size. That scatter comes from a few ReLU inputs within rounding of zero (out of
 * up to half a million), which land on the other side of the kink than in float64 and pass or
 * block a whole unit's gradient. With our ReLU decisions imposed on libtorch float64, our first
 * gradient matches it within 1e-4, or within twice libtorch float32's own deviation under the same
 * decisions where float32 cannot reach 1e-4. On the pooling-heavy cell, which has no such units,
 * the first gradient matches float64 within 1e-4 as it is, and at lr 0.01 the whole ten-step loss
 * curve matches libtorch float32's within 1e-4. At the default lr 1.2 the other cells' float32
 * curves (libtorch's included) drift 1e-3 to 1e-1 from float64 within a few steps. There the
 * curves are printed, not asserted (BENCHMARKS.md, parity).
 */
class TorchParityTest {
    private static final double GRADIENT_SCATTER = 5e-2;
    private static final String WELL_CONDITIONED = TorchParity.CELLS.get(2);
    private static final Nb201 SPACE = new Nb201();
    private static CpuBackend cpu;
    private static TorchReference single;
    private static TorchReference exact;

    @BeforeAll
    static void open() {
        cpu = new CpuBackend(1);
        single = new TorchReference(1, false);
        exact = new TorchReference(1, true);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    private static TrainingRun run(String cell, EproxyConfig config) {
        try (Eproxy eproxy = Eproxy.builder().space(SPACE).config(config).threads(1).concurrency(1).build()) {
            return eproxy.trainingRun(SPACE.parse(cell), 1);
        }
    }

    private static double firstGradientError(TrainingRun run) {
        cpu.gradients(run);
        return TorchParity.relativeL2(cpu.paramGradients(), exact.gradients(run), run.plan().trainableSize);
    }

    @ParameterizedTest
    @FieldSource("io.github.eproxy.bench.TorchParity#CELLS")
    void firstLossMatchesAndFirstGradientWithinFloat32Scatter(String cell) {
        TrainingRun run = run(cell, EproxyConfig.DEFAULT);
        double[] ours = cpu.train(run).eval();
        double[] theirs = single.train(run).eval();
        double[] truth = exact.train(run).eval();
        double gradient = firstGradientError(run);
        System.out.printf("%s: first gradient %.1e from float64; loss vs libtorch f32 per step:%s%n", cell, gradient,
                drifts(ours, theirs));
        assertTrue(TorchParity.relative(ours[0], theirs[0]) <= TorchParity.RTOL, "first loss vs libtorch f32: " + ours[0] + " / " + theirs[0]);
        assertTrue(TorchParity.relative(ours[0], truth[0]) <= TorchParity.RTOL, "first loss vs libtorch f64: " + ours[0] + " / " + truth[0]);
        assertTrue(gradient <= GRADIENT_SCATTER, "first gradient vs libtorch f64: relative L2 " + gradient);
    }

    @ParameterizedTest
    @FieldSource("io.github.eproxy.bench.TorchParity#CELLS")
    void firstGradientMatchesFloat64UnderTheSameReluDecisions(String cell) {
        TrainingRun planned = run(cell, EproxyConfig.DEFAULT);
        Net net = planned.plan().net;
        Plan unshared = new Planner(1, false).plan(net);
        TrainingRun run = new TrainingRun(unshared, planned.params(), planned.input(), planned.targets(), planned.sgd(), 1);
        cpu.gradients(run);
        float[] ours = cpu.paramGradients();
        float[][] masks = new float[net.nodes().size()][];
        for (int id : unshared.forward) {
            if (net.node(id).op() instanceof Op.Relu) {
                float[] y = cpu.output(id);
                masks[id] = new float[y.length];
                for (int i = 0; i < y.length; i++) {
                    masks[id][i] = y[i] > 0 ? 1f : 0f;
                }
            }
        }
        int n = unshared.trainableSize;
        double plainError = TorchParity.relativeL2(ours, exact.gradients(run), n);
        float[][] exactMasks = exact.reluMasks();
        int flipped = 0;
        for (int id = 0; id < masks.length; id++) {
            for (int i = 0; masks[id] != null && i < masks[id].length; i++) {
                flipped += masks[id][i] != exactMasks[id][i] ? 1 : 0;
            }
        }
        float[] truth = exact.gradients(run, masks);
        double oursError = TorchParity.relativeL2(ours, truth, n);
        double theirsError = TorchParity.relativeL2(single.gradients(run, masks), truth, n);
        System.out.printf("%s: %d ReLU units on the other side of the kink than in float64; first gradient from float64 "
                + "%.1e; with our ReLU decisions imposed on float64: ours %.1e, libtorch f32 %.1e%n", cell, flipped, plainError,
                oursError, theirsError);
        assertTrue(oursError <= Math.max(TorchParity.RTOL, 2 * theirsError), "ours " + oursError + ", libtorch f32 " + theirsError);
    }

    @Test
    void wellConditionedCellMatchesGradientAndWholeLossCurve() {
        double gradient = firstGradientError(run(WELL_CONDITIONED, EproxyConfig.DEFAULT));
        assertTrue(gradient <= TorchParity.RTOL, "first gradient vs libtorch f64: relative L2 " + gradient);
        TrainingRun slow = run(WELL_CONDITIONED, EproxyConfig.fromJson("{\"lr\": 0.01}"));
        double[] ours = cpu.train(slow).eval();
        double[] theirs = single.train(slow).eval();
        System.out.println("lr 0.01, loss vs libtorch f32 per step:" + drifts(ours, theirs));
        for (int i = 0; i < ours.length; i++) {
            assertTrue(TorchParity.relative(ours[i], theirs[i]) <= TorchParity.RTOL,
                    "step " + i + ": " + ours[i] + " / " + theirs[i]);
        }
    }

    private static String drifts(double[] ours, double[] theirs) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < ours.length; i++) {
            s.append(String.format(" %.0e", TorchParity.relative(ours[i], theirs[i])));
        }
        return s.toString();
    }
}
