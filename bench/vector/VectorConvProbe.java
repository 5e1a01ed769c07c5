import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Feasibility probe, not part of the build: how fast a 3x3 convolution (stride 1, padding 1) runs
 * without unfolding, written with JDK 17's incubating Vector API, against the OpenBLAS product that
 * our im2col path spends most of its time in (the unfolding itself not counted). Forward only, one
 * image, one thread, NB201's stage-1 shape by default. The probe also checks the result against a
 * double-precision loop.
 *
 * <pre>
 * mvn -B -q -Pbench package -DskipTests
 * java --add-modules jdk.incubator.vector -cp target/benchmarks.jar bench/vector/VectorConvProbe.java [channels side]
 * </pre>
 */
public class VectorConvProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int LANES = 8;

    /**
     * y[co] = sum over ci and taps of w * x, two output channels at a time. Each pass fills 32
     * consecutive outputs (32 / side rows) held in four vectors per channel; {@code padded} holds each
     * input plane with a zero border of one, so vector j of a pass reads from a fixed offset
     * {@code lane[j]} past the pass's first row.
     */
    static void conv(float[] padded, float[] w, float[] y, int[] tapOffset, int channels, int side) {
        int pw = side + 2;
        int taps = channels * 9;
        int rows = 4 * LANES / side;
        int[] lane = new int[4];
        for (int j = 0; j < 4; j++) {
            lane[j] = (j * LANES / side) * pw + (j * LANES) % side;
        }
        int l1 = lane[1];
        int l2 = lane[2];
        int l3 = lane[3];
        for (int co = 0; co < channels; co += 2) {
            for (int oh = 0; oh < side; oh += rows) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                for (int t = 0; t < taps; t++) {
                    int at = oh * pw + tapOffset[t];
                    FloatVector wa = FloatVector.broadcast(S, w[co * taps + t]);
                    FloatVector wb = FloatVector.broadcast(S, w[(co + 1) * taps + t]);
                    FloatVector x0 = FloatVector.fromArray(S, padded, at);
                    FloatVector x1 = FloatVector.fromArray(S, padded, at + l1);
                    FloatVector x2 = FloatVector.fromArray(S, padded, at + l2);
                    FloatVector x3 = FloatVector.fromArray(S, padded, at + l3);
                    a0 = x0.fma(wa, a0);
                    a1 = x1.fma(wa, a1);
                    a2 = x2.fma(wa, a2);
                    a3 = x3.fma(wa, a3);
                    b0 = x0.fma(wb, b0);
                    b1 = x1.fma(wb, b1);
                    b2 = x2.fma(wb, b2);
                    b3 = x3.fma(wb, b3);
                }
                int o = (co * side + oh) * side;
                int p = o + side * side;
                a0.intoArray(y, o);
                a1.intoArray(y, o + LANES);
                a2.intoArray(y, o + 2 * LANES);
                a3.intoArray(y, o + 3 * LANES);
                b0.intoArray(y, p);
                b1.intoArray(y, p + LANES);
                b2.intoArray(y, p + 2 * LANES);
                b3.intoArray(y, p + 3 * LANES);
            }
        }
    }

    public static void main(String[] args) {
        int channels = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int side = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        if (channels % 2 != 0 || (side != 8 && side != 16 && side != 32)) {
            throw new IllegalArgumentException("channels must be even and side 8, 16 or 32");
        }
        int plane = side * side;
        int pw = side + 2;
        Random random = new Random(1);
        float[] x = new float[channels * plane];
        float[] w = new float[channels * channels * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        float[] padded = new float[channels * pw * pw + LANES];
        for (int ci = 0; ci < channels; ci++) {
            for (int ih = 0; ih < side; ih++) {
                System.arraycopy(x, (ci * side + ih) * side, padded, (ci * pw + ih + 1) * pw + 1, side);
            }
        }
        int[] tapOffset = new int[channels * 9];
        for (int ci = 0; ci < channels; ci++) {
            for (int k = 0; k < 9; k++) {
                tapOffset[ci * 9 + k] = (ci * pw + k / 3) * pw + k % 3;
            }
        }
        float[] y = new float[channels * plane];
        conv(padded, w, y, tapOffset, channels, side);
        double worst = 0;
        for (int co = 0; co < channels; co++) {
            for (int p = 0; p < plane; p++) {
                double s = 0;
                for (int t = 0; t < channels * 9; t++) {
                    s += (double) w[co * channels * 9 + t] * padded[(p / side) * pw + p % side + tapOffset[t]];
                }
                worst = Math.max(worst, Math.abs(s - y[co * plane + p]) / (1 + Math.abs(s)));
            }
        }
        System.out.printf("%d -> %d channels, 3x3, %dx%d, one image; largest error against float64 %.1e%n", channels,
                channels, side, side, worst);

        blas_set_num_threads(1);
        int k = channels * 9;
        FloatPointer a = new FloatPointer(w);
        FloatPointer b = new FloatPointer((long) k * plane);
        FloatPointer c = new FloatPointer((long) channels * plane);
        for (long i = 0; i < (long) k * plane; i++) {
            b.put(i, (float) Math.cos(i));
        }
        double flop = 2.0 * channels * k * plane;
        for (int round = 0; round < 8; round++) {
            int reps = 2000;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                conv(padded, w, y, tapOffset, channels, side);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, channels, plane, k, 1f, a, k, b, plane, 0f, c, plane);
            }
            long t2 = System.nanoTime();
            double vectorMs = (t1 - t0) / 1e6 / reps;
            double sgemmMs = (t2 - t1) / 1e6 / reps;
            System.out.printf("round %d: Vector API %.4f ms (%.1f GFLOP/s), OpenBLAS im2col product %dx%dx%d %.4f ms (%.1f GFLOP/s)%n",
                    round, vectorMs, flop / vectorMs / 1e6, channels, plane, k, sgemmMs, flop / sgemmMs / 1e6);
        }
    }
}
