package io.github.eproxy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The unfolding against its definition, element by element, with several images side by side, each
 * image's channels a group of a wider tensor (the images lie one more channel apart than they hold).
 */
class Im2colTest {
    /** Covers both paths: stride 1 with output rows as wide as the input's (one copy per image and row), and the rest. */
    @Test
    void unfoldMatchesDefinition() {
        Random r = new Random(7);
        int cases = 0;
        for (int k : new int[] {1, 2, 3, 5}) {
            for (int stride : new int[] {1, 2}) {
                for (int dilation : new int[] {1, 2}) {
                    for (int pad = 0; pad <= dilation * (k - 1) + 1; pad++) {
                        for (int[] hw : new int[][] {{7, 7}, {5, 8}, {8, 3}}) {
                            if (check(r, 3, hw[0], hw[1], k, stride, pad, dilation)) {
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases > 100, "only " + cases + " geometries had an output");
    }

    /** Returns false when the geometry has no output. */
    private static boolean check(Random r, int channels, int h, int w, int k, int stride, int pad, int dilation) {
        int outH = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int outW = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        if (outH <= 0 || outW <= 0) {
            return false;
        }
        int images = 2;
        int plane = outH * outW;
        int ld = images * plane;
        int rows = channels * k * k;
        int imageStride = (channels + 1) * h * w;
        int inSize = images * imageStride;
        try (NativeBuffer buf = new NativeBuffer()) {
            // input images, then the unfolding, pre-filled with garbage that must be overwritten
            buf.ensure(inSize + (long) rows * ld);
            float[] init = new float[inSize + rows * ld];
            for (int i = 0; i < init.length; i++) {
                init[i] = r.nextFloat() - 0.5f;
            }
            buf.copyIn(init);
            Im2col im2col = new Im2col(channels, h, w, k, stride, pad, dilation, outH, outW);
            NativeFloats f = buf.floats();
            im2col.unfold(f, 0, imageStride, images, f, inSize, ld);
            float[] got = buf.copyOut(inSize, rows * ld);
            for (int n = 0; n < images; n++) {
                for (int c = 0; c < channels; c++) {
                    for (int ki = 0; ki < k; ki++) {
                        for (int kj = 0; kj < k; kj++) {
                            for (int oh = 0; oh < outH; oh++) {
                                for (int ow = 0; ow < outW; ow++) {
                                    int ih = oh * stride - pad + ki * dilation;
                                    int iw = ow * stride - pad + kj * dilation;
                                    float want = ih < 0 || ih >= h || iw < 0 || iw >= w ? 0f
                                            : init[n * imageStride + (c * h + ih) * w + iw];
                                    int at = ((c * k + ki) * k + kj) * ld + n * plane + oh * outW + ow;
                                    if (want != got[at]) {
                                        fail(String.format("k%d s%d p%d d%d %dx%d image %d c%d ki%d kj%d oh%d ow%d: %s, want %s",
                                                k, stride, pad, dilation, h, w, n, c, ki, kj, oh, ow, got[at], want));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return true;
    }
}
