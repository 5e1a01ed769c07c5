package io.github.eproxy.backend.cpu;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Which bits this machine's OpenBLAS gives for the CPU engine's products. OpenBLAS picks its sgemm
 * kernel for the processor at load time (an AVX-512 server, an AVX2 machine and an older one each
 * sum in another order), and ten SGD steps at lr 1.2 grow those last bits into scores a few percent
 * apart. Two machines with the same fingerprint give the same scores bit for bit (at the same
 * threads per architecture); the environment variable {@code OPENBLAS_CORETYPE} chooses the kernel.
 *
 * <p>The fingerprint is a CRC-32 of the results of fixed products in the shapes and transpositions
 * the engine uses: a stage-1 convolution forward (K within one kernel block), its weight gradient
 * accumulated into a non-zero C, the input gradient through col2im, and the barrier's forward (K
 * split over several blocks).
 */
public final class BlasFingerprint {
    /** {transA, transB, m, n, k, beta as 0/1}. */
    private static final int[][] PRODUCTS = {
        {0, 0, 16, 1024, 144, 0},
        {0, 1, 16, 144, 1024, 1},
        {1, 0, 144, 512, 16, 0},
        {0, 0, 64, 512, 4608, 0},
    };

    private static volatile String value;

    private BlasFingerprint() {
    }

    /** Eight hex digits, computed once per JVM. */
    public static String value() {
        String v = value;
        if (v == null) {
            v = compute();
            value = v;
        }
        return v;
    }

    /** The OpenBLAS build in use, e.g. "OpenBLAS 0.3.31 (JavaCPP preset 1.5.13)". */
    public static String library() {
        String version;
        try {
            version = Loader.getVersion("org.bytedeco", "openblas");
        } catch (IOException e) {
            version = null;
        }
        return "OpenBLAS " + (version == null ? "(version unknown)" : version.replace("-", " (JavaCPP preset ") + ")");
    }

    private static String compute() {
        openblas_nolapack.blas_set_num_threads(1);
        CRC32 crc = new CRC32();
        SplittableRandom random = new SplittableRandom(0x5eed);
        for (int[] p : PRODUCTS) {
            boolean transA = p[0] == 1;
            boolean transB = p[1] == 1;
            int m = p[2];
            int n = p[3];
            int k = p[4];
            try (FloatPointer a = filled(m * k, random);
                    FloatPointer b = filled(k * n, random);
                    FloatPointer c = p[5] == 0 ? new FloatPointer((long) m * n).zero() : filled(m * n, random)) {
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                        transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                        transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                        m, n, k, 1f, a, transA ? m : k, b, transB ? k : n, p[5], c, n);
                crc.update(c.asByteBuffer());
            }
        }
        return String.format("%08x", crc.getValue());
    }

    private static FloatPointer filled(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (2 * random.nextDouble() - 1);
        }
        return new FloatPointer(values);
    }
}
