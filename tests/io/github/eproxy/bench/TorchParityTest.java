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
import java.util.List;
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
 * <p>In float32, a few of the up to half a million ReLU inputs per pass lie within rounding of
 * zero. They land on either side of the kink depending on the engine's summation order, and each
 * passes or blocks a whole unit's gradient. So the engines are compared under the same ReLU
 * decisions (ours, imposed on libtorch as x * mask), and as they are where that cannot matter:
 * <ul>
 * <li>every cell: the first loss within 1e-4 of libtorch float32 and float64, and the first
 * gradient within 5e-2 of float64 as it is (the kink scatter; a wrong backward is off by the
 * gradient's own size);
 * <li>every cell, under our decisions: the first gradient within 1e-4 of float64, or within twice
 * libtorch float32's deviation under the same decisions where float32 does not reach 1e-4;
 * <li>cells 0, 2 and 3, and four of the first six uniform NB201 draws, under our decisions at
 * every step: the whole ten-step loss curve at the defaults within 1e-4 of libtorch float32's (the
 * issue's criterion). Cells 1 and 4 and the first two draws are left out: even with the decisions
 * shared, their residual first-gradient difference grows about twentyfold per step in both
 * engines (BENCHMARKS.md, parity);
 * <li>the pooling-heavy cell 2, which has no units at the kink, as it is: the first gradient
 * within 1e-4 of float64, and the whole curve at lr 0.01 within 1e-4 of libtorch float32's.
 * </ul>
 */
class TorchParityTest {
    private static final double GRADIENT_SCATTER = 5e-2;
    private static final String WELL_CONDITIONED = TorchParity.CELLS.get(2);
    /**
     * The cells whose ten steps stay within 1e-4 of libtorch float32 once the ReLU decisions are
     * shared: cells 0, 2 and 3 (not 1 and 4), and the third to sixth of the first six uniform NB201
     * draws ({@code Archs.uniform(space, 6, 0)}). The first two draws drift past 1e-4 at steps 3 and
     * 5 even so (5e-2 and 6e-2 by step 7), as cells 1 and 4 do.
     */
    static final List<String> SMOOTH_TRAJECTORIES = List.of(TorchParity.CELLS.get(0), TorchParity.CELLS.get(2),
            TorchParity.CELLS.get(3),
            "|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_1x1~2|",
            "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
            "|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|",
            "|skip_connect~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|");
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

    /** The same run planned without buffer reuse, so that every node's output can be read after it. */
    private static TrainingRun unshared(TrainingRun run) {
        Plan plan = new Planner(1, false).plan(run.plan().net);
        return new TrainingRun(plan, run.params(), run.input(), run.targets(), run.sgd(), run.iterations());
    }

    /** Per node id, for each ReLU of the CPU backend's last forward pass (unshared plan): 1 where the unit passed, else 0. */
    private static float[][] ourReluMasks(Plan plan) {
        Net net = plan.net;
        float[][] masks = new float[net.nodes().size()][];
        for (int id : plan.forward) {
            if (net.node(id).op() instanceof Op.Relu) {
                float[] y = cpu.output(id);
                masks[id] = new float[y.length];
                for (int i = 0; i < y.length; i++) {
                    masks[id][i] = y[i] > 0 ? 1f : 0f;
                }
            }
        }
        return masks;
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
        TrainingRun run = unshared(run(cell, EproxyConfig.DEFAULT)).withIterations(1);
        cpu.gradients(run);
        float[] ours = cpu.paramGradients();
        float[][] masks = ourReluMasks(run.plan());
        int n = run.plan().trainableSize;
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

    @ParameterizedTest
    @FieldSource("SMOOTH_TRAJECTORIES")
    void lossCurveMatchesLibtorchUnderTheSameReluDecisions(String cell) {
        TrainingRun run = unshared(run(cell, EproxyConfig.DEFAULT));
        int steps = run.iterations();
        float[][][] masks = new float[steps][][];
        double[] ours = null;
        for (int k = 1; k <= steps; k++) {
            // a run of k iterations ends with forward pass k: its ReLU decisions are pass k's
            ours = cpu.train(run.withIterations(k)).eval();
            masks[k - 1] = ourReluMasks(run.plan());
        }
        double[] theirs = single.train(run, masks).eval();
        double[] truth = exact.train(run, masks).eval();
        System.out.println(cell + ": with our ReLU decisions at every step, loss vs libtorch f32:" + drifts(ours, theirs)
                + "; vs float64:" + drifts(ours, truth));
        for (int i = 0; i < steps; i++) {
            assertTrue(TorchParity.relative(ours[i], theirs[i]) <= TorchParity.RTOL, "step " + i + ": " + ours[i] + " / " + theirs[i]);
        }
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
