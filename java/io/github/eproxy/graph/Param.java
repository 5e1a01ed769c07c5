package io.github.eproxy.graph;

import java.util.Arrays;

/**
 * One parameter tensor of a {@link Net}.
 *
 * @param name      readable name, e.g. {@code n12.conv.weight}
 * @param dims      PyTorch dimension order (conv weight: out, in/groups, k, k)
 * @param role      what the tensor is, which decides its initial values
 * @param init      the initialisation scheme for weights and biases
 * @param fanIn     PyTorch's fan_in of the owning layer
 * @param fanOut    PyTorch's fan_out of the owning layer
 * @param trainable false for frozen tensors (the proxy's barrier layer)
 */
public record Param(String name, int[] dims, Role role, Init init, int fanIn, int fanOut, boolean trainable) {

    public enum Role { CONV_WEIGHT, CONV_BIAS, BN_GAMMA, BN_BETA }

    public Param {
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (d <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("parameter " + name + Arrays.toString(dims)
                        + (d <= 0 ? " has a non-positive dimension" : " has more than the 2^31 - 1 elements a tensor may hold"));
            }
        }
    }

    public int numel() {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims) + (trainable ? "" : " frozen");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Param p && name.equals(p.name) && Arrays.equals(dims, p.dims) && role == p.role
                && init == p.init && fanIn == p.fanIn && fanOut == p.fanOut && trainable == p.trainable;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }
}
