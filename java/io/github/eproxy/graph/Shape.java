package io.github.eproxy.graph;

/** The shape of an NCHW float32 tensor. */
public record Shape(int n, int c, int h, int w) {

    public Shape {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("tensor dimensions must be positive: " + n + "x" + c + "x" + h + "x" + w);
        }
        if ((long) n * c * h * w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + n + "x" + c + "x" + h + "x" + w + " has "
                    + (long) n * c * h * w + " elements, more than the 2^31 - 1 a tensor may hold");
        }
    }

    /** Elements in the whole tensor. */
    public int numel() {
        return n * c * h * w;
    }

    /** Elements of one image (C*H*W). */
    public int perImage() {
        return c * h * w;
    }

    /** Elements of one channel plane (H*W). */
    public int plane() {
        return h * w;
    }

    public Shape withChannels(int channels) {
        return new Shape(n, channels, h, w);
    }

    @Override
    public String toString() {
        return n + "x" + c + "x" + h + "x" + w;
    }
}
