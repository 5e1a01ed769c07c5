package io.github.eproxy.backend;

/**
 * {@code torch.optim.SGD} with momentum and weight decay (dampening 0, no Nesterov):
 * {@code d = g + wd*p; m = momentum*m + d; p -= lr*m}, momentum buffers starting at zero.
 */
public record SgdSettings(float lr, float momentum, float weightDecay) {
    public SgdSettings {
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
        }
        if (momentum < 0 || momentum >= 1 || weightDecay < 0) {
            throw new IllegalArgumentException("need 0 <= momentum < 1 and weight decay >= 0, got " + momentum + ", " + weightDecay);
        }
    }
}
