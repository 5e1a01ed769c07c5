package io.github.eproxy.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Unfolds one image's channels into a [C*k*k, outH*outW] matrix (row = (c*k + ki)*k + kj), and the
 * reverse, summing overlapping windows (col2im). Padding reads as zero.
 */
final class Im2col {
    final int channels;
    final int h;
    final int w;
    final int k;
    final int stride;
    final int pad;
    final int dilation;
    final int outH;
    final int outW;

    Im2col(int channels, int h, int w, int k, int stride, int pad, int dilation, int outH, int outW) {
        this.channels = channels;
        this.h = h;
        this.w = w;
        this.k = k;
        this.stride = stride;
        this.pad = pad;
        this.dilation = dilation;
        this.outH = outH;
        this.outW = outW;
    }

    void unfold(FloatBuffer src, int x, FloatBuffer dst, int cols) {
        int plane = outH * outW;
        for (int c = 0; c < channels; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    int row = cols + ((c * k + ki) * k + kj) * plane;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * stride - pad + ki * dilation;
                        int o = row + oh * outW;
                        if (ih < 0 || ih >= h) {
                            for (int ow = 0; ow < outW; ow++) {
                                dst.put(o + ow, 0f);
                            }
                            continue;
                        }
                        int base = x + (c * h + ih) * w;
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * stride - pad + kj * dilation;
                            dst.put(o + ow, iw >= 0 && iw < w ? src.get(base + iw) : 0f);
                        }
                    }
                }
            }
        }
    }

    /** dst image += fold(cols). */
    void foldAdd(FloatBuffer src, int cols, FloatBuffer dst, int x) {
        int plane = outH * outW;
        for (int c = 0; c < channels; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    int row = cols + ((c * k + ki) * k + kj) * plane;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * stride - pad + ki * dilation;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int base = x + (c * h + ih) * w;
                        int o = row + oh * outW;
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * stride - pad + kj * dilation;
                            if (iw >= 0 && iw < w) {
                                dst.put(base + iw, dst.get(base + iw) + src.get(o + ow));
                            }
                        }
                    }
                }
            }
        }
    }
}
