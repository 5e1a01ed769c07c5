package io.github.eproxy.backend.cuda;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP bridge to the C ABI in {@code native/eproxy_native.h}. JavaCPP's builder generates
 * and compiles the JNI glue from this class when the build finds nvcc (Maven profile
 * {@code native}); load it through {@link CudaRuntime}, which turns a missing library or
 * a missing GPU into a message.
 */
@Platform(value = "linux-x86_64", include = "eproxy_native.h", link = "eproxy_native")
final class NativeLib {
    private NativeLib() {
    }

    /** {@code eproxy_device_count}: status code; on failure the reason is written into {@code err}. */
    static native int eproxy_device_count(IntPointer count, @Cast("char*") BytePointer err, int errLen);
}
