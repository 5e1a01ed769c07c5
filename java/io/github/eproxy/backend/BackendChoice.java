package io.github.eproxy.backend;

import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.backend.cuda.CudaRuntime;
import io.github.eproxy.backend.cuda.NativeBackend;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Which engine trains the networks: {@code cpu} (Java kernels and OpenBLAS), {@code cuda} (the
 * native executor on the GPU; an error where none can be used), or {@code auto} (CUDA where a
 * device is usable, otherwise the CPU, with a one-line note saying why).
 */
public enum BackendChoice {
    CPU, CUDA, AUTO;

    public static BackendChoice parse(String name) {
        for (BackendChoice c : values()) {
            if (c.name().toLowerCase(Locale.ROOT).equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "': expected cpu, cuda or auto");
    }

    /**
     * The concrete choice: {@code auto} becomes {@code cuda} or {@code cpu} (telling {@code note}
     * why the GPU is not used); {@code cuda} without a usable device is an {@link IllegalStateException}
     * carrying the probe's reason. On the GPU, {@code note} hears which engine runs the
     * convolutions (cuDNN and its version, or why not).
     */
    public BackendChoice resolve(Consumer<String> note) {
        if (this == CPU) {
            return CPU;
        }
        CudaRuntime.Probe probe = CudaRuntime.probe();
        if (probe.available()) {
            note.accept("GPU: " + CudaRuntime.convReport().lines().findFirst().orElse(""));
            return CUDA;
        }
        if (this == CUDA) {
            throw new IllegalStateException("--backend cuda: " + probe.message());
        }
        note.accept(probe.message() + "; using the CPU backend");
        return CPU;
    }

    /** A new backend of a resolved choice; {@code threads} is used by the CPU backend only. */
    public InspectableBackend open(int threads) {
        switch (this) {
            case CPU:
                return new CpuBackend(threads);
            case CUDA:
                return NativeBackend.cuda();
            default:
                throw new IllegalStateException("resolve() the auto choice before opening a backend");
        }
    }
}
