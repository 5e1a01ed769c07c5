package io.github.eproxy.proxy.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.cuda.CudaRuntime;
import io.github.eproxy.backend.cuda.NativeBackend;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Nb201;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every baseline that trains nothing but runs passes (all but the two that only count) gives the
 * CPU backend's score on the native executor: on the host path wherever the native library is
 * built, and on the GPU where there is one (skipped elsewhere with the reason).
 */
class NativeBaselinesTest {
    /** The engines sum in other orders: activations and gradients differ in their last bits, scores by less than this. */
    private static final double RTOL = 1e-3;
    /**
     * GraSP's Hessian is a central difference of two gradients 1e-5 of the weights apart, so it
     * magnifies those last bits about 1e5-fold per weight; over the sum, scores differ by ~0.2%.
     */
    private static final double GRASP_RTOL = 1e-2;
    private static final Nb201 SPACE = new Nb201(4);
    /**
     * Cells on which the two engines' ReLUs decide every unit alike. On cells with long chains of
     * 3x3 convolutions, a few units land within rounding of zero and on different sides in the
     * two engines (14 of 2.5 million in |nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+...), and
     * the first gradient then differs by 3e-2 (bench/BENCHMARKS.md, numerical parity, measures the
     * same between our engines and libtorch): that compares float32 coin tosses, not the engines.
     */
    private static final List<Architecture> ARCHS = List.of(
            SPACE.parse("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|"),
            SPACE.parse("|nor_conv_1x1~0|+|skip_connect~0|avg_pool_3x3~1|+|nor_conv_3x3~0|skip_connect~1|nor_conv_1x1~2|"));

    static Stream<Arguments> cases() {
        return Stream.of("host", "cuda").flatMap(engine ->
                Stream.of("grad_norm", "snip", "fisher", "grasp", "synflow", "zico", "naswot", "zen").map(p -> Arguments.of(engine, p)));
    }

    private static BiFunction<EproxyConfig, BackendPool, ZeroCostProxy> proxy(String name) {
        switch (name) {
            case "grad_norm":
                return GradNorm::new;
            case "snip":
                return Snip::new;
            case "fisher":
                return Fisher::new;
            case "grasp":
                return Grasp::new;
            case "synflow":
                return Synflow::new;
            case "zico":
                return Zico::new;
            case "naswot":
                return Naswot::new;
            default:
                return Zen::new;
        }
    }

    private static BackendPool engine(String name) {
        CudaRuntime.Probe probe = CudaRuntime.probe();
        assumeTrue(probe.libraryLoaded(), probe.message());
        if (name.equals("host")) {
            return new BackendPool("host", NativeBackend::host);
        }
        assumeTrue(probe.available(), "GPU check skipped: " + probe.message());
        return BackendPool.of(BackendChoice.CUDA);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void scoresMatchTheCpuBackend(String engine, String name) {
        try (BackendPool cpu = BackendPool.of(BackendChoice.CPU); BackendPool other = engine(engine);
                ZeroCostProxy expected = proxy(name).apply(EproxyConfig.DEFAULT, cpu);
                ZeroCostProxy actual = proxy(name).apply(EproxyConfig.DEFAULT, other)) {
            assertEquals("cpu", expected.engine());
            assertEquals(engine, actual.engine());
            for (Architecture arch : ARCHS) {
                double want = expected.score(arch);
                double got = actual.score(arch);
                assertTrue(Double.isFinite(want), name + " of " + arch.id() + ": " + want);
                double rtol = name.equals("grasp") ? GRASP_RTOL : RTOL;
                assertEquals(want, got, rtol * Math.abs(want), name + " of " + arch.id() + " on " + engine);
                assertEquals(got, actual.score(arch), "a second score on the same pooled backend repeats the bits");
            }
        }
    }
}
