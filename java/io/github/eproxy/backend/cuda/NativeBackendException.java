package io.github.eproxy.backend.cuda;

/** A failure reported by the native library: its status and message (the failing call, op and shapes). */
public final class NativeBackendException extends RuntimeException {
    /** {@code eproxy_status} codes. */
    public static final int INVALID_PLAN = 1;
    public static final int OUT_OF_MEMORY = 2;

    private final int status;

    NativeBackendException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean outOfMemory() {
        return status == OUT_OF_MEMORY;
    }
}
