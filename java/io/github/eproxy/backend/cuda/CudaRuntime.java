package io.github.eproxy.backend.cuda;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;

/**
 * Whether the CUDA backend can run here: the native library is packaged and loads, and the CUDA
 * runtime sees a device. Never throws; {@link #probe} says why not in one line.
 */
public final class CudaRuntime {
    /** {@code EPROXY_OK} of {@code eproxy_status}. */
    static final int OK = 0;

    /** The outcome of a probe: how many devices, or why none can be used. */
    public record Probe(boolean libraryLoaded, int devices, String message) {
        public boolean available() {
            return libraryLoaded && devices > 0;
        }
    }

    private static Probe cached;

    private CudaRuntime() {
    }

    public static synchronized Probe probe() {
        if (cached == null) {
            cached = doProbe();
        }
        return cached;
    }

    private static Probe doProbe() {
        try {
            Loader.load(NativeLib.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return new Probe(false, 0, "CUDA backend not available: the native library is not in this build ("
                    + firstLine(e.getMessage()) + ")");
        }
        try (IntPointer count = new IntPointer(1); BytePointer err = new BytePointer(512)) {
            int status = NativeLib.eproxy_device_count(count, err, 512);
            if (status == OK && count.get() > 0) {
                return new Probe(true, count.get(), count.get() + " CUDA device(s)");
            }
            String reason = status == OK ? "no CUDA device" : cString(err);
            return new Probe(true, 0, "no GPU: " + reason);
        }
    }

    /** Free device memory in bytes ({@code cudaMemGetInfo}); needs {@link Probe#available()}. */
    public static long freeDeviceMemory() {
        long[] free = new long[1];
        long[] total = new long[1];
        onDevice((err, len) -> NativeLib.eproxy_device_memory(free, total, err, len));
        return free[0];
    }

    /** The device's measured fp32 rate and memory bandwidth. */
    public record Peak(double gflops, double gbytesPerSecond) {
    }

    /** Measures {@link Peak} on the current device (about a second; allocates 1 GiB briefly). */
    public static Peak measurePeak() {
        double[] flops = new double[1];
        double[] bandwidth = new double[1];
        onDevice((err, len) -> NativeLib.eproxy_device_peak(flops, bandwidth, err, len));
        return new Peak(flops[0], bandwidth[0]);
    }

    /** How GPU executors run convolutions, for the whole process ({@code EPROXY_CONV_*}, in this order). */
    public enum ConvEngine {
        /** The hand-written kernels only. */
        OWN,
        /** Per layer shape and direction, whichever of those and cuDNN measured faster: the default. */
        MEASURED,
        /** cuDNN wherever it has a deterministic fp32 algorithm (to test it on every shape). */
        CUDNN
    }

    /**
     * Sets the convolution engine of every GPU executor of the process, from the next training run
     * on. Without cuDNN (not installed, or {@code EPROXY_CUDNN=0}) every engine runs the hand-written
     * kernels; {@link #convReport} says which is the case.
     */
    public static void convEngine(ConvEngine engine) {
        requireLibrary();
        try (BytePointer err = new BytePointer(512)) {
            if (NativeLib.eproxy_set_conv_mode(engine.ordinal(), err, 512) != OK) {
                throw new IllegalStateException(cString(err));
            }
        }
    }

    /**
     * Whether cuDNN is loaded (its version, or why not), the convolution engine, where the measured
     * choices are kept on disk (so that every process on the machine makes the same ones), and for
     * every layer shape measured so far the milliseconds of the hand-written kernel and of cuDNN's
     * best deterministic algorithm per direction, and which one runs.
     */
    public static String convReport() {
        requireLibrary();
        try (BytePointer out = new BytePointer(1 << 16)) {
            NativeLib.eproxy_conv_report(out, 1 << 16);
            return cString(out);
        }
    }

    private static void requireLibrary() {
        if (!probe().libraryLoaded()) {
            throw new IllegalStateException(probe().message());
        }
    }

    /** A native call that returns a status and writes its reason into {@code err} on failure. */
    private interface StatusCall {
        int run(BytePointer err, int errLen);
    }

    /** Runs {@code call} where a device is usable; no device or a failed call is an {@link IllegalStateException} saying why. */
    private static void onDevice(StatusCall call) {
        if (!probe().available()) {
            throw new IllegalStateException(probe().message());
        }
        try (BytePointer err = new BytePointer(512)) {
            if (call.run(err, 512) != OK) {
                throw new IllegalStateException(cString(err));
            }
        }
    }

    /** The NUL-terminated string in {@code buffer} (the native side writes at most its length). */
    static String cString(BytePointer buffer) {
        String s = buffer.getString();
        int end = s.indexOf('\0');
        return end < 0 ? s : s.substring(0, end);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
