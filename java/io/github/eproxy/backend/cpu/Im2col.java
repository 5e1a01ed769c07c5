package io.github.eproxy.backend.cpu;

import java.util.Arrays;

/**
 * Unfolds one image's channels into a [C*k*k, outH*outW] block of a matrix whose rows are
 * {@code ld} floats apart (row = (c*k + ki)*k + kj), and the reverse, summing overlapping windows
 * (col2im). Padding reads as zero. Several images unfold side by side into one matrix, so one
 * sgemm serves them all. An instance keeps scratch arrays, so one thread uses it at a time.
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
    /** Scratch of the general unfolding (one input plane, one unfolded row), allocated on first use. */
    private float[] plane;
    private float[] block;

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

    /**
     * Unfolds {@code images} images side by side: image n's channels start at {@code x + n * imageStride}
     * and its columns at {@code cols + n * outH * outW}. Channels run outermost and images innermost,
     * so that one channel's k*k rows of the matrix are written completely before the next channel's.
     * Unfolding one image after the other instead rewrote a wide matrix (the barrier's 512 channels,
     * 9.4 MB) in scattered pieces once per image, at a third of the write rate.
     */
    void unfold(NativeFloats src, int x, int imageStride, int images, NativeFloats dst, int cols, int ld) {
        if (stride == 1 && outW == w) {
            unfoldSameWidth(src, x, imageStride, images, dst, cols, ld);
            return;
        }
        if (plane == null) {
            plane = new float[h * w];
            block = new float[outH * outW];
        }
        int outPlane = outH * outW;
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < images; n++) {
                src.read(x + n * imageStride + c * h * w, plane, h * w);
                for (int ki = 0; ki < k; ki++) {
                    for (int kj = 0; kj < k; kj++) {
                        unfoldTap(ki, kj);
                        dst.write(block, cols + ((c * k + ki) * k + kj) * ld + n * outPlane, outPlane);
                    }
                }
            }
        }
    }

    /** One row of one image's unfolding, from {@link #plane} into {@link #block}. */
    private void unfoldTap(int ki, int kj) {
        int shift = kj * dilation - pad;
        int lo = firstInside(shift);
        int hi = endInside(shift);
        for (int oh = 0; oh < outH; oh++) {
            int ih = oh * stride - pad + ki * dilation;
            int o = oh * outW;
            if (ih < 0 || ih >= h || lo >= hi) {
                Arrays.fill(block, o, o + outW, 0f);
                continue;
            }
            int base = ih * w + shift;
            Arrays.fill(block, o, o + lo, 0f);
            for (int ow = lo; ow < hi; ow++) {
                block[o + ow] = plane[base + ow * stride];
            }
            Arrays.fill(block, o + hi, o + outW, 0f);
        }
    }

    /**
     * Stride 1 with output rows as wide as input rows: a row of the unfolding is the input plane
     * shifted by a constant, so per image it is one contiguous copy; then the few columns that the
     * shift carried across a row edge are set to zero, as are the rows that fall in the padding.
     */
    private void unfoldSameWidth(NativeFloats src, int x, int imageStride, int images, NativeFloats dst, int cols,
            int ld) {
        int outPlane = outH * outW;
        for (int c = 0; c < channels; c++) {
            for (int ki = 0; ki < k; ki++) {
                int rowShift = ki * dilation - pad;
                int oh0 = Math.max(0, -rowShift);
                int oh1 = Math.min(outH, h - rowShift);
                for (int kj = 0; kj < k; kj++) {
                    int row = cols + ((c * k + ki) * k + kj) * ld;
                    int shift = kj * dilation - pad;
                    int lo = firstInside(shift);
                    int hi = endInside(shift);
                    if (oh0 >= oh1 || lo >= hi) {
                        zero(dst, row, images * outPlane);
                        continue;
                    }
                    int first = oh0 * outW + lo;
                    int end = (oh1 - 1) * outW + hi;
                    int from = x + (c * h + rowShift) * w + shift + first;
                    boolean carried = lo > 0 || hi < outW;
                    for (int n = 0; n < images; n++) {
                        int seg = row + n * outPlane;
                        zero(dst, seg, oh0 * outW);
                        zero(dst, seg + oh1 * outW, (outH - oh1) * outW);
                        dst.copy(src, from + n * imageStride, seg + first, end - first);
                        for (int oh = oh0; carried && oh < oh1; oh++) {
                            int o = seg + oh * outW;
                            for (int ow = 0; ow < lo; ow++) {
                                dst.put(o + ow, 0f);
                            }
                            for (int ow = hi; ow < outW; ow++) {
                                dst.put(o + ow, 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    /** dst image += fold(cols). */
    void foldAdd(NativeFloats src, int cols, int ld, NativeFloats dst, int x) {
        for (int c = 0; c < channels; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    int row = cols + ((c * k + ki) * k + kj) * ld;
                    int shift = kj * dilation - pad;
                    int lo = firstInside(shift);
                    int hi = endInside(shift);
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * stride - pad + ki * dilation;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int base = x + (c * h + ih) * w + shift;
                        int o = row + oh * outW;
                        for (int ow = lo; ow < hi; ow++) {
                            int i = base + ow * stride;
                            dst.put(i, dst.get(i) + src.get(o + ow));
                        }
                    }
                }
            }
        }
    }

    /** Runs shorter than this are zeroed in a loop: a memory call costs more than the stores. */
    private static final int SHORT = 64;

    private static void zero(NativeFloats dst, int from, int count) {
        if (count >= SHORT) {
            dst.zero(from, count);
        } else {
            for (int i = from; i < from + count; i++) {
                dst.put(i, 0f);
            }
        }
    }

    /** First output column whose input column ow*stride + shift is inside the image. */
    private int firstInside(int shift) {
        return shift >= 0 ? 0 : Math.min(outW, (-shift + stride - 1) / stride);
    }

    /** One past the last output column whose input column is inside the image. */
    private int endInside(int shift) {
        int last = w - 1 - shift;
        return last < 0 ? 0 : Math.min(outW, last / stride + 1);
    }
}
