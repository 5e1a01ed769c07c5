package io.github.eproxy.bench;

import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.backend.cuda.CudaRuntime;
import io.github.eproxy.backend.cuda.NativeBackend;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Nb201;
import java.util.List;

/**
 * Numerical parity with libtorch on a handful of NB201 cells: the default Eproxy training run (same
 * initial weights, batch, targets, optimiser) through our CPU backend, through libtorch in float32
 * ({@link TorchReference}) and through libtorch in float64, the near-exact yardstick for both.
 * Checked: the first loss and the first gradient (all trainable parameters, relative L2 error)
 * against float64 within {@value #RTOL}. Reported: how far each float32 loss curve drifts from the
 * float64 one over the ten iterations (at lr 1.2 rounding grows by orders of magnitude per step,
 * so the curves are printed, not asserted). Where the native library loads, the first gradient of
 * the native executor (on the GPU, or its host path here) is printed too: a third float32 engine
 * with other kernels and another summation order. Exits 1 on a failed check.
 *
 * <pre>java -cp target/benchmarks.jar io.github.eproxy.bench.TorchParity</pre>
 */
public final class TorchParity {
    static final double RTOL = 1e-4;

    /** Cells with every NB201 op, deep and shallow. */
    static final List<String> CELLS = List.of(
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|",
            "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|",
            "|skip_connect~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|",
            "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|");

    private TorchParity() {
    }

    public static void main(String[] args) {
        Nb201 space = new Nb201();
        boolean ok = true;
        CudaRuntime.Probe probe = CudaRuntime.probe();
        try (Eproxy eproxy = Eproxy.builder().space(space).config(EproxyConfig.DEFAULT).threads(1).concurrency(1).build();
                CpuBackend cpu = new CpuBackend(1);
                NativeBackend nat = !probe.libraryLoaded() ? null : probe.available() ? NativeBackend.cuda() : NativeBackend.host()) {
            TorchReference single = new TorchReference(1, false);
            TorchReference exact = new TorchReference(1, true);
            System.out.println("relative to libtorch float64 | first loss: ours, libtorch f32 | first gradient: ours, libtorch f32 "
                    + "| largest loss drift over 10 iterations: ours, libtorch f32 | first gradient: native executor | cell");
            for (String cell : CELLS) {
                TrainingRun run = eproxy.trainingRun(space.parse(cell), 1);
                double[] ours = cpu.train(run).eval();
                double[] theirs = single.train(run).eval();
                double[] truth = exact.train(run).eval();
                cpu.gradients(run);
                float[] gradOurs = cpu.paramGradients();
                float[] gradTheirs = single.gradients(run);
                float[] gradTruth = exact.gradients(run);
                int n = run.plan().trainableSize;
                double lossOurs = relative(ours[0], truth[0]);
                double gOurs = relativeL2(gradOurs, gradTruth, n);
                boolean pass = lossOurs <= RTOL && gOurs <= RTOL;
                ok &= pass;
                String gNative = "n/a";
                if (nat != null) {
                    nat.train(run.withIterations(2));
                    gNative = String.format("%.1e", relativeL2(nat.paramGradients(), gradTruth, n));
                }
                System.out.printf("%s %.1e %.1e | %.1e %.1e | %.1e %.1e | %s | %s%n", pass ? "ok  " : "FAIL", lossOurs,
                        relative(theirs[0], truth[0]), gOurs, relativeL2(gradTheirs, gradTruth, n), drift(ours, truth),
                        drift(theirs, truth), gNative, cell);
            }
        }
        System.exit(ok ? 0 : 1);
    }

    static double relative(double a, double b) {
        return Math.abs(a - b) / Math.abs(b);
    }

    private static double drift(double[] curve, double[] truth) {
        double worst = 0;
        for (int i = 0; i < curve.length; i++) {
            worst = Math.max(worst, relative(curve[i], truth[i]));
        }
        return worst;
    }

    static double relativeL2(float[] a, float[] b, int n) {
        double d = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(d / norm);
    }
}
