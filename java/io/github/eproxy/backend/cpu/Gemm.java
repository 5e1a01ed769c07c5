package io.github.eproxy.backend.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Row-major {@code cblas_sgemm} on offsets into the backend's native buffers: B and C always lie in
 * the activation arena, A in the parameter buffer (weights) or in the arena (gradients). Each thread
 * owns one instance: its pointer views are repositioned per call, which allocates nothing. OpenBLAS
 * runs single-threaded; the backend parallelises over images instead.
 */
final class Gemm {
    static {
        openblas_nolapack.blas_set_num_threads(1);
    }

    private final FloatPointer params;
    private final FloatPointer arenaA;
    private final FloatPointer arenaB;
    private final FloatPointer arenaC;

    Gemm(Memory m) {
        params = new FloatPointer(m.params.pointer());
        arenaA = new FloatPointer(m.arena.pointer());
        arenaB = new FloatPointer(m.arena.pointer());
        arenaC = new FloatPointer(m.arena.pointer());
    }

    /**
     * C[m,n] = alpha * op(A) * op(B) + beta * C, op(A) being m x k and op(B) k x n, dense leading
     * dimensions; A is read from the parameters if {@code aIsParam}, else from the arena.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, boolean aIsParam, long aOff,
            long bOff, float beta, long cOff) {
        FloatPointer a = aIsParam ? params : arenaA;
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m, n, k, alpha, a.position(aOff), transA ? m : k, arenaB.position(bOff), transB ? k : n,
                beta, arenaC.position(cOff), n);
    }
}
