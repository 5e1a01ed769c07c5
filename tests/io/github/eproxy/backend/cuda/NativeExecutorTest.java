package io.github.eproxy.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.PlanCodec;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.proxy.Branch;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.proxy.Feature;
import io.github.eproxy.searchspace.Nb201;
import io.github.eproxy.testing.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native executor against the CPU backend, on nets that together use every op (several conv
 * geometries, batch norm with and without affine parameters, both pools, concat, slice, resize,
 * zero, identity, the three losses, frozen parameters, two weighted losses). On the host
 * ({@link NativeBackend#host}) this runs wherever the native library is built, so the plan
 * decoding, op dispatch and every kernel's index arithmetic are checked without a GPU; on a
 * machine with a CUDA device the same checks run on the GPU ({@link NativeBackend#cuda}), and
 * are skipped elsewhere with the probe's reason. The arena starts as NaN on every run, so a kernel
 * that reads an element nobody wrote fails the comparison.
 */
class NativeExecutorTest {
    /** Float sums in another order: relative differences of a few 1e-6 are expected; 1e-4 leaves room. */
    private static final double RTOL = 1e-4;

    static Stream<Arguments> cases() {
        return Stream.of("host", "cuda", "cuda-no-graph", "cuda-cudnn").flatMap(engine ->
                Stream.of("residual", "pools-and-channels", "classifier").map(net -> Arguments.of(engine, net)));
    }

    private static Supplier<NativeBackend> engine(String name) {
        CudaRuntime.Probe probe = CudaRuntime.probe();
        assumeTrue(probe.libraryLoaded(), probe.message());
        if (!name.equals("host")) {
            assumeTrue(probe.available(), "GPU check skipped: " + probe.message());
        }
        switch (name) {
            case "host":
                return NativeBackend::host;
            case "cuda":
                return NativeBackend::cuda;
            case "cuda-cudnn": {
                String loaded = CudaRuntime.convReport().lines().findFirst().orElseThrow();
                assumeTrue(!loaded.startsWith("cuDNN not used"), "cuDNN check skipped: " + loaded);
                CudaRuntime.convEngine(CudaRuntime.ConvEngine.CUDNN);  // every convolution cuDNN can run
                return NativeBackend::cuda;
            }
            default:
                return NativeBackend::cudaWithoutGraphs;
        }
    }

    @AfterEach
    void defaultConvEngine() {
        if (CudaRuntime.probe().libraryLoaded()) {
            CudaRuntime.convEngine(CudaRuntime.ConvEngine.MEASURED);
        }
    }

    static Net net(String name) {
        switch (name) {
            case "residual":
                return residual();
            case "pools-and-channels":
                return poolsAndChannels();
            default:
                return classifier();
        }
    }

    /** conv-BN-ReLU, a residual add, average pooling, a frozen conv with bias, MSE. */
    private static Net residual() {
        NetBuilder b = new NetBuilder(new Shape(4, 3, 12, 12)).init(Init.KAIMING_NORMAL);
        int x = b.relu(b.batchNorm(b.conv(b.input(), 8, 3, 1, 1, false), true));
        int y = b.batchNorm(b.conv(b.relu(x), 8, 3, 1, 1, false), false);
        int pooled = b.avgPool(b.sum(x, y), 2, 2, 0);
        int head = b.relu(b.batchNorm(b.conv(pooled, 8, 1, 1, 0, true), true));
        b.frozen(true);
        b.mseLoss(b.conv(head, 4, 3, 1, 1, true), 0, 1.0);
        return b.build();
    }

    /** Max and average pools with padding, strided, grouped and dilated convs, concat, slice, resize, zero, identity, two weighted losses. */
    private static Net poolsAndChannels() {
        NetBuilder b = new NetBuilder(new Shape(3, 3, 11, 11)).init(Init.KAIMING_UNIFORM);
        int stem = b.relu(b.conv(b.input(), 8, 3, 1, 1, true));
        int max = b.maxPool(stem, 3, 2, 1);
        int strided = b.conv(stem, 8, 3, 2, 1, false);
        int cat = b.concat(max, b.avgPool(strided, 3, 1, 1));
        int grouped = b.conv(cat, 8, 3, 1, 2, 2, 2, false);
        int sliced = b.slice(cat, 8);
        int mixed = b.sum(grouped, sliced, b.zero(sliced), b.identity(strided));
        int small = b.resize(b.relu(mixed), 4, 4);
        int up = b.resize(b.relu(mixed), 9, 7);
        b.mseLoss(b.conv(small, 5, 1, 1, 0, true), 0, 1.0);
        b.frozen(true);
        b.mseLoss(b.conv(b.maxPool(up, 2, 2, 0), 3, 3, 1, 1, true), 1, 0.5);
        return b.build();
    }

    /** conv-ReLU, global average pooling, a linear layer and soft-target cross-entropy; a dot loss on a second branch. */
    private static Net classifier() {
        NetBuilder b = new NetBuilder(new Shape(4, 3, 8, 8)).init(Init.KAIMING_NORMAL);
        int features = b.relu(b.conv(b.input(), 6, 3, 1, 1, false));
        b.crossEntropyLoss(b.linear(b.globalAvgPool(features), 5), 0);
        b.dotLoss(b.conv(features, 2, 1, 1, 0, false), 1);
        return b.build();
    }

    private static TrainingRun run(Net net, int iterations, float lr) {
        Plan plan = new Planner(1, true).plan(net);
        float[][] targets = new float[plan.targetCount()][];
        for (int t = 0; t < targets.length; t++) {
            targets[t] = Tensors.random(targetSize(plan, t), 11 + t);
        }
        return new TrainingRun(plan, ParamInit.initialValues(plan, 3), Tensors.random(net.input().shape().numel(), 5),
                targets, new SgdSettings(lr, 0.9f, 4e-5f), iterations);
    }

    private static int targetSize(Plan plan, int target) {
        for (int loss : plan.losses()) {
            if (((Op.Loss) plan.node(loss).op()).target() == target) {
                return plan.node(plan.node(loss).input(0)).shape().numel();
            }
        }
        throw new IllegalArgumentException("no loss uses target " + target);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void gradientsMatchTheCpuBackend(String engine, String netName) {
        assertGradientsMatch(engine(engine), net(netName));
    }

    /** The first loss and the parameter gradients of a two-iteration run. */
    private static void assertGradientsMatch(Supplier<NativeBackend> open, Net net) {
        TrainingRun r = run(net, 2, 0.05f);
        try (CpuBackend cpu = new CpuBackend(1); NativeBackend nat = open.get()) {
            double cpuLoss = cpu.gradients(r);
            LossCurve c = nat.train(r);
            assertEquals(cpuLoss, c.train()[0], RTOL * Math.abs(cpuLoss), "first loss of " + net.nodes());
            assertCloseScaled("parameter gradients of " + net.nodes(), cpu.paramGradients(), nat.paramGradients());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void trainingMatchesTheCpuBackend(String engine, String netName) {
        Supplier<NativeBackend> open = engine(engine);
        TrainingRun r = run(net(netName), 6, 0.05f);
        try (CpuBackend cpu = new CpuBackend(1); NativeBackend nat = open.get()) {
            LossCurve expected = cpu.train(r);
            LossCurve actual = nat.train(r);
            Tensors.assertClose("train losses", expected.train(), actual.train(), 0, RTOL);
            Tensors.assertClose("eval losses", expected.eval(), actual.eval(), 0, RTOL);
            assertCloseScaled("trained parameters", cpu.params(), nat.params());
            LossCurve again = nat.train(r);
            assertTrue(Arrays.equals(actual.train(), again.train()), "a second run on the same executor repeats the bits");
        }
    }

    /**
     * One pass without an update, planned without buffer reuse: the loss, the parameter gradients,
     * every node's output and output gradient, and each loss's prediction, as the CPU backend has
     * them. A batch norm fused with its ReLU stores neither, and reading them says so.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void singlePassesReadLikeOnTheCpuBackend(String engine, String netName) {
        Supplier<NativeBackend> open = engine(engine);
        TrainingRun shared = run(net(netName), 1, 0.05f);
        Plan plan = new Planner(1, false).plan(shared.plan().net);
        TrainingRun r = onePass(plan, shared, shared.params());
        try (CpuBackend cpu = new CpuBackend(1); NativeBackend nat = open.get()) {
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> nat.output(0));
            assertTrue(none.getMessage().contains("no training run"), none.getMessage());
            double cpuLoss = cpu.gradients(r);
            assertEquals(cpuLoss, nat.gradients(r), RTOL * Math.abs(cpuLoss), "loss of one pass");
            assertCloseScaled("parameter gradients", cpu.paramGradients(), nat.paramGradients());
            int fused = 0;
            for (int id : plan.forward) {
                if (plan.node(id).op() instanceof Op.Loss) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nat.output(id));
                    assertTrue(e.getMessage().contains("is a loss"), e.getMessage());
                    continue;
                }
                if (plan.reluAfter[id] >= 0) {
                    fused++;
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nat.output(id));
                    assertTrue(e.getMessage().contains("fused with the ReLU after it"), e.getMessage());
                    continue;
                }
                assertCloseScaled("output of node " + id, cpu.output(id), nat.output(id));
                if (plan.needsGrad[id]) {
                    assertCloseScaled("output gradient of node " + id, cpu.outputGradient(id), nat.outputGradient(id));
                }
            }
            assertEquals(netName.equals("residual") ? 2 : 0, fused, "batch norms fused with the ReLU after them");
            for (int loss : plan.losses()) {
                assertCloseScaled("prediction of loss " + loss, cpu.prediction(loss), nat.prediction(loss));
            }
            nat.train(shared);
            IllegalStateException reused = assertThrows(IllegalStateException.class, () -> nat.output(plan.forward[0]));
            assertTrue(reused.getMessage().contains("shares buffers"), reused.getMessage());
        }
    }

    /**
     * A frozen activation pattern (GraSP's Hessian): after parameters far from the frozen point,
     * the ReLUs (fused with a batch norm or not) and max pools still pass what they passed there,
     * as on the CPU backend; other plans are refused until the thaw.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void frozenActivationPatternsMatchTheCpuBackend(String engine, String netName) {
        Supplier<NativeBackend> open = engine(engine);
        TrainingRun shared = run(net(netName), 1, 0.05f);
        Plan plan = new Planner(1, false).plan(shared.plan().net);
        TrainingRun at = onePass(plan, shared, shared.params());
        float[] moved = shared.params().clone();
        float[] step = Tensors.random(moved.length, 17);
        for (int i = 0; i < moved.length; i++) {
            moved[i] += 0.5f * step[i];
        }
        TrainingRun away = onePass(plan, shared, moved);
        try (CpuBackend cpu = new CpuBackend(1); NativeBackend nat = open.get()) {
            double free = nat.gradients(away);
            cpu.gradients(at);
            nat.gradients(at);
            cpu.freezeActivationPattern();
            nat.freezeActivationPattern();
            double cpuLoss = cpu.gradients(away);
            double frozen = nat.gradients(away);
            assertEquals(cpuLoss, frozen, RTOL * Math.abs(cpuLoss), "loss with the pattern frozen");
            assertTrue(frozen != free, "the frozen pattern changes the pass: " + frozen + " vs " + free);
            assertCloseScaled("parameter gradients with the pattern frozen", cpu.paramGradients(), nat.paramGradients());
            IllegalStateException other = assertThrows(IllegalStateException.class, () -> nat.train(shared));
            assertTrue(other.getMessage().contains("frozen for another plan"), other.getMessage());
            // The executor checks too, by the plan's content: the frozen run's data with another plan's ints.
            NativeBackendException encoded = assertThrows(NativeBackendException.class,
                    () -> nat.trainEncoded(PlanCodec.encode(shared.plan()), away, null));
            assertTrue(encoded.getMessage().contains("frozen for another plan"), encoded.getMessage());
            nat.thawActivationPattern();
            assertEquals(free, nat.gradients(away), "thawed, the pass is the free one again");
        }
    }

    /** One pass of {@code plan} (of {@code r}'s net) on {@code r}'s data at {@code params}. */
    private static TrainingRun onePass(Plan plan, TrainingRun r, float[] params) {
        return new TrainingRun(plan, params, r.input(), r.targets(), r.sgd(), 1);
    }

    /** Elementwise within RTOL of the largest magnitude (gradients near zero differ only in rounding). */
    private static void assertCloseScaled(String what, float[] expected, float[] actual) {
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        Tensors.assertClose(what, Tensors.toDouble(expected), Tensors.toDouble(actual), RTOL * scale, RTOL);
    }

    /**
     * One op between two trainable 1x1 convolutions, with a geometry drawn from {@code seed}; the
     * op cycles with the seed: a convolution (kernel 1-5, stride 1-3, padding, dilation 1-2,
     * groups, bias) twice, a max or average pool (kernel 1-3, stride 1-3, padding up to half the
     * kernel), batch norm with or without affine parameters, a nearest resize to a random size.
     */
    static Net randomOp(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int groups = 1 + rng.nextInt(2);
        int channels = groups * (1 + rng.nextInt(4));
        NetBuilder b = new NetBuilder(new Shape(1 + rng.nextInt(3), 3, 5 + rng.nextInt(8), 5 + rng.nextInt(8)))
                .init(Init.KAIMING_UNIFORM);
        int x = b.conv(b.input(), channels, 1, 1, 0, false);
        int y;
        switch ((int) (seed % 5)) {
            case 0:
            case 1: {
                int k = 1 + rng.nextInt(5);
                int dilation = 1 + rng.nextInt(2);
                y = b.conv(x, groups * (1 + rng.nextInt(4)), k, 1 + rng.nextInt(3), rng.nextInt(k), dilation, groups,
                        rng.nextBoolean());
                break;
            }
            case 2: {
                int k = 1 + rng.nextInt(3);
                int stride = 1 + rng.nextInt(3);
                int pad = rng.nextInt(k / 2 + 1);
                y = rng.nextBoolean() ? b.maxPool(x, k, stride, pad) : b.avgPool(x, k, stride, pad);
                break;
            }
            case 3:
                y = b.batchNorm(x, rng.nextBoolean());
                break;
            default:
                y = b.resize(x, 1 + rng.nextInt(9), 1 + rng.nextInt(9));
        }
        b.mseLoss(b.conv(y, 2, 1, 1, 0, true), 0, 1.0);
        return b.build();
    }

    /** Twenty random single-op geometries: first loss and gradients of native executor and CPU backend agree. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
    void randomGeometriesMatchTheCpuBackend(long seed) {
        assertGradientsMatch(engine(CudaRuntime.probe().available() ? "cuda" : "host"), randomOp(seed));
    }


    /** The convolutions of {@link #randomOp} (seeds with a conv in the middle) through cuDNN. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0, 1, 5, 6, 10, 11, 15, 16, 20, 21, 25, 26})
    void randomConvolutionsThroughCudnnMatchTheCpuBackend(long seed) {
        assertGradientsMatch(engine("cuda-cudnn"), randomOp(seed));
    }

    /**
     * A real Eproxy training run on NB201. The GPU runs the defaults (10 iterations at lr 1.2, the
     * 128-channel head) and must stay within 1e-3 of the CPU's loss curve; on the host a cheap cell,
     * a small two-branch head and three iterations keep the loops to seconds.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"host", "cuda", "cuda-cudnn"})
    void nb201EproxyRunMatchesTheCpuBackend(String engine) {
        Supplier<NativeBackend> open = engine(engine);
        boolean gpu = !engine.equals("host");
        Nb201 space = new Nb201();
        EproxyConfig config = gpu ? EproxyConfig.DEFAULT : EproxyConfig.DEFAULT.withBranches(List.of(
                new Branch(1, 3, 7, 16, 16, List.of(Feature.NET, Feature.DOT), 1.0),
                new Branch(2, 1, 3, 8, 8, List.of(Feature.WAVE_H), 1.0)));
        String cell = gpu ? "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|"
                : "|avg_pool_3x3~0|+|nor_conv_1x1~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|";
        try (Eproxy eproxy = Eproxy.builder().space(space).config(config).threads(1).build();
                CpuBackend cpu = new CpuBackend(1);
                NativeBackend nat = open.get()) {
            TrainingRun full = eproxy.trainingRun(space.parse(cell), 1);
            TrainingRun r = gpu ? full : full.withIterations(3);
            LossCurve expected = cpu.train(r);
            LossCurve actual = nat.train(r);
            double tolerance = gpu ? 1e-3 : RTOL;
            Tensors.assertClose("train losses", expected.train(), actual.train(), 0, tolerance);
            Tensors.assertClose("eval losses", expected.eval(), actual.eval(), 0, tolerance);
            if (engine.equals("cuda-cudnn")) {
                String report = CudaRuntime.convReport();
                System.out.println(report);
                assertTrue(report.contains("-> cuDNN"), "the report names cuDNN where it ran: " + report);
            }
        }
    }

    /**
     * 1,000 consecutive NB201 architectures on one executor: once its buffers have grown to the
     * largest plan, the device's free memory does not fall (a leak of 2 KiB per architecture would
     * show as 1.8 MiB over the last 900).
     */
    @Test
    void thousandArchitecturesWithoutDeviceMemoryGrowth() {
        Supplier<NativeBackend> open = engine("cuda");
        Nb201 space = new Nb201();
        SplittableRandom rng = new SplittableRandom(1);
        try (Eproxy eproxy = Eproxy.builder().space(space).threads(1).build(); NativeBackend nat = open.get()) {
            long free100 = 0;
            long bytes100 = 0;
            for (int i = 0; i < 1000; i++) {
                LossCurve c = nat.train(eproxy.trainingRun(space.sample(rng), 1));
                assertTrue(c.train().length == 10);
                if (i == 99) {
                    free100 = CudaRuntime.freeDeviceMemory();
                    bytes100 = nat.nativeBytes();
                }
            }
            long drop = free100 - CudaRuntime.freeDeviceMemory();
            long grown = nat.nativeBytes() - bytes100;
            assertTrue(drop <= grown + (2L << 20), "device memory fell by " + drop + " bytes while buffers grew by " + grown);
        }
    }

    /** Profiling times every step of every op the net uses and trains exactly as an ordinary run does. */
    @Test
    void profileTimesEveryOpAndTrainsTheSame() {
        Supplier<NativeBackend> open = engine("host");
        TrainingRun r = run(poolsAndChannels(), 3, 0.05f);
        try (NativeBackend nat = open.get()) {
            LossCurve plain = nat.train(r);
            Map<String, Double> ms = nat.profile(r);
            assertTrue(Arrays.equals(plain.train(), nat.train(r).train()));
            for (String op : List.of("conv2d forward", "conv2d backward", "maxpool forward", "maxpool backward", "avgpool forward",
                    "concat forward", "slice backward", "resize forward", "mse backward", "sgd")) {
                assertTrue(ms.containsKey(op) && ms.get(op) >= 0, op + " in " + ms);
            }
            assertTrue(ms.get("conv2d backward") > 0, ms.toString());
        }
    }

    @Test
    void memoryGrowsOnlyForLargerPlans() {
        Supplier<NativeBackend> open = engine("host");
        try (NativeBackend nat = open.get()) {
            nat.train(run(poolsAndChannels(), 2, 0.05f));
            long afterLarge = nat.nativeBytes();
            for (int i = 0; i < 20; i++) {
                nat.train(run(i % 2 == 0 ? residual() : classifier(), 2, 0.05f));
                nat.train(run(poolsAndChannels(), 2, 0.05f));
            }
            assertTrue(nat.nativeBytes() >= afterLarge);
            long settled = nat.nativeBytes();
            for (int i = 0; i < 20; i++) {
                nat.train(run(i % 2 == 0 ? residual() : classifier(), 2, 0.05f));
            }
            assertEquals(settled, nat.nativeBytes(), "no growth once the largest plan has been seen");
        }
    }

    @Test
    void malformedPlansAreRejectedWithTheReason() {
        Supplier<NativeBackend> open = engine("host");
        TrainingRun r = run(residual(), 2, 0.05f);
        int[] good = PlanCodec.encode(r.plan());
        try (NativeBackend nat = open.get()) {
            int[] truncated = Arrays.copyOf(good, good.length - 3);
            NativeBackendException e = assertThrows(NativeBackendException.class, () -> nat.trainEncoded(truncated, r, null));
            assertEquals(NativeBackendException.INVALID_PLAN, e.status());
            assertTrue(e.getMessage().contains("ends early"), e.getMessage());

            int[] tinyArena = good.clone();
            tinyArena[5] = 64; // arena size: every output now lies outside it
            e = assertThrows(NativeBackendException.class, () -> nat.trainEncoded(tinyArena, r, null));
            assertTrue(e.getMessage().contains("outside its arena"), e.getMessage());

            int[] badMagic = good.clone();
            badMagic[0] = 7;
            e = assertThrows(NativeBackendException.class, () -> nat.trainEncoded(badMagic, r, null));
            assertTrue(e.getMessage().contains("magic"), e.getMessage());
            // The executor is still usable after a refused plan.
            assertTrue(Double.isFinite(nat.train(r).lastEval()));
        }
    }

    @Test
    void cudaWithoutADeviceSaysWhy() {
        CudaRuntime.Probe probe = CudaRuntime.probe();
        assumeTrue(!probe.available(), "a GPU is present");
        IllegalStateException e = assertThrows(IllegalStateException.class, NativeBackend::cuda);
        assertTrue(e.getMessage().startsWith("CUDA backend unavailable: "), e.getMessage());
        assertTrue(e.getMessage().contains(probe.message()), e.getMessage());
    }
}
