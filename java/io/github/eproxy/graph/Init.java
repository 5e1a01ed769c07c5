package io.github.eproxy.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a convolution's weight and bias are initialised, with PyTorch's fan conventions
 * ({@code torch.nn.init._calculate_fan_in_and_fan_out}): fan_in = in/groups * k * k,
 * fan_out = out * k * k. Batch-norm tensors always start at weight 1, bias 0.
 */
public enum Init {
    /** PyTorch's default for Conv2d: kaiming_uniform(a=sqrt(5)) weight, U(-1/sqrt(fan_in), ..) bias. */
    PYTORCH_DEFAULT,
    XAVIER_UNIFORM,
    XAVIER_NORMAL,
    /** mode fan_out, ReLU gain (the reference's choice). */
    KAIMING_UNIFORM,
    KAIMING_NORMAL,
    /** N(0, 1) weights, bias 0: Zen-NAS's Gaussian initialisation. */
    STANDARD_NORMAL;

    /** Parses the reference's names: {@code xavier_uniform}, {@code kaiming_normal}, {@code pytorch_default}. */
    @JsonCreator
    public static Init parse(String name) {
        for (Init i : values()) {
            if (i.name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initialisation '" + name + "' (expected one of "
                + java.util.Arrays.toString(values()).toLowerCase() + ")");
    }

    @JsonValue
    public String id() {
        return name().toLowerCase();
    }
}
