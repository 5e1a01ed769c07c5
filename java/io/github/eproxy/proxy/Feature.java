package io.github.eproxy.proxy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Synthetic target features (paper Section 2.2). */
public enum Feature {
    /** Output of an untrained teacher CNN on the batch, divided by its largest magnitude. */
    NET,
    /** sin(2 pi f x + phi) along x or y, f in (0, 0.125). */
    WAVE_L,
    /** f in (0.125, 0.375). */
    WAVE_M,
    /** f in (0.375, 0.5). */
    WAVE_H,
    /** Rademacher noise: +1 or -1. */
    DOT;

    @JsonValue
    public String id() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static Feature parse(String id) {
        for (Feature f : values()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown feature '" + id + "' (expected net, wave_l, wave_m, wave_h or dot)");
    }

    /** Frequency range of a wave feature. */
    double[] band() {
        switch (this) {
            case WAVE_L:
                return new double[] {0, 0.125};
            case WAVE_M:
                return new double[] {0.125, 0.375};
            case WAVE_H:
                return new double[] {0.375, 0.5};
            default:
                throw new IllegalStateException(this + " is not a wave");
        }
    }
}
