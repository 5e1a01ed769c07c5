package io.github.eproxy.backend.cuda;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP bridge to the C ABI in {@code native/eproxy_native.h}. JavaCPP's builder generates
 * and compiles the JNI glue from this class when the build finds nvcc (Maven profile
 * {@code native}); load it through {@link CudaRuntime}, which turns a missing library or
 * a missing GPU into a message.
 */
@Platform(value = "linux-x86_64", include = "eproxy_native.h", link = "eproxy_native")
final class NativeLib {
    /** {@code EPROXY_WHERE_HOST}, {@code EPROXY_WHERE_CUDA}. */
    static final int WHERE_HOST = 0;
    static final int WHERE_CUDA = 1;
    /** {@code EPROXY_PROFILE_SGD}, {@code EPROXY_PROFILE_SLOTS}. */
    static final int PROFILE_SGD = 30;
    static final int PROFILE_SLOTS = 31;
    /** {@code EPROXY_READ_PARAMS}, {@code EPROXY_READ_GRADIENTS}. */
    static final int READ_PARAMS = 0;
    static final int READ_GRADIENTS = 1;

    private NativeLib() {
    }

    /** {@code eproxy_device_count}: status code; on failure the reason is written into {@code err}. */
    static native int eproxy_device_count(IntPointer count, @Cast("char*") BytePointer err, int errLen);

    static native int eproxy_device_memory(@Cast("long*") long[] freeBytes, @Cast("long*") long[] totalBytes,
            @Cast("char*") BytePointer err, int errLen);

    static native int eproxy_device_peak(double[] gflops, double[] gbytesPerSecond, @Cast("char*") BytePointer err, int errLen);

    static native int eproxy_executor_create(int where, @Cast("eproxy_executor**") PointerPointer<?> out,
            @Cast("char*") BytePointer err, int errLen);

    static native void eproxy_executor_destroy(@Cast("eproxy_executor*") Pointer executor);

    static native long eproxy_executor_bytes(@Cast("const eproxy_executor*") Pointer executor);

    static native int eproxy_executor_train(@Cast("eproxy_executor*") Pointer executor, @Const IntPointer plan, long planLength,
            @Const FloatPointer params, @Const FloatPointer input, @Const FloatPointer targets, float lr, float momentum,
            float weightDecay, int iterations, int useGraph, DoublePointer lossValues, DoublePointer profileMs,
            @Cast("char*") BytePointer err, int errLen);

    static native int eproxy_executor_gradients(@Cast("eproxy_executor*") Pointer executor, @Const IntPointer plan,
            long planLength, @Const FloatPointer params, @Const FloatPointer input, @Const FloatPointer targets,
            DoublePointer lossValues, @Cast("char*") BytePointer err, int errLen);

    static native int eproxy_set_conv_mode(int mode, @Cast("char*") BytePointer err, int errLen);

    static native void eproxy_conv_report(@Cast("char*") BytePointer out, int outLen);

    static native int eproxy_executor_read(@Cast("eproxy_executor*") Pointer executor, int what, FloatPointer out, long count,
            @Cast("char*") BytePointer err, int errLen);

    static native int eproxy_executor_read_arena(@Cast("eproxy_executor*") Pointer executor, long offset, long count,
            FloatPointer out, @Cast("char*") BytePointer err, int errLen);

    static native int eproxy_executor_freeze(@Cast("eproxy_executor*") Pointer executor, @Cast("char*") BytePointer err, int errLen);

    static native void eproxy_executor_thaw(@Cast("eproxy_executor*") Pointer executor);
}
