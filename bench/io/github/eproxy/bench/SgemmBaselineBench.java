package io.github.eproxy.bench;

import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * OpenBLAS's own single-threaded sgemm on this machine: the baseline for {@link ConvLayerBench}.
 * Shapes are the per-image im2col products of a 3x3 convolution at NB201's stages
 * (M = C, N = H*W, K = 9C), plus a 512^3 product for the machine's peak. One operation = one
 * sgemm; GFLOP/s = 2*M*N*K / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SgemmBaselineBench {
    /** M x N x K. */
    @Param({"16x1024x144", "32x256x288", "64x64x576", "512x512x512"})
    public String shape;

    private int m;
    private int n;
    private int k;
    private FloatPointer a;
    private FloatPointer b;
    private FloatPointer c;

    @Setup(Level.Trial)
    public void setup() {
        String[] d = shape.split("x");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        k = Integer.parseInt(d[2]);
        openblas_nolapack.blas_set_num_threads(1);
        a = new FloatPointer((long) m * k);
        b = new FloatPointer((long) k * n);
        c = new FloatPointer((long) m * n);
        for (long i = 0; i < (long) m * k; i++) {
            a.put(i, (float) Math.sin(i));
        }
        for (long i = 0; i < (long) k * n; i++) {
            b.put(i, (float) Math.cos(i));
        }
    }

    @Benchmark
    public FloatPointer sgemm() {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, m, n, k, 1f, a, k, b, n, 0f, c, n);
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
    }
}
// HOW TO RUN: mvn -B -q -Pbench package -DskipTests && java -jar target/benchmarks.jar SgemmBaselineBench
