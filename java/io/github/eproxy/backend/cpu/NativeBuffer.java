package io.github.eproxy.backend.cpu;

import org.bytedeco.javacpp.FloatPointer;

/**
 * A growable block of native floats, the single owner of its memory. Java kernels see it as
 * {@link NativeFloats}, OpenBLAS as a {@link FloatPointer}; both views are replaced when it grows.
 */
final class NativeBuffer implements AutoCloseable {
    private FloatPointer pointer;
    private NativeFloats floats;
    private long capacity;

    /** Makes room for at least {@code count} elements; old contents are not kept. */
    void ensure(long count) {
        if (count <= capacity && pointer != null) {
            return;
        }
        close();
        capacity = Math.max(count, 16);
        try {
            pointer = new FloatPointer(capacity);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(capacity, e.getMessage());
        }
        if (pointer.isNull()) {
            pointer = null;
            throw outOfMemory(capacity, "the allocation returned null");
        }
        this.floats = new NativeFloats(pointer.address(), capacity);
    }

    private static OutOfMemoryError outOfMemory(long floats, String why) {
        return new OutOfMemoryError(String.format("CPU backend: cannot allocate %,d MB of native memory (%s)",
                floats * Float.BYTES >> 20, why));
    }

    FloatPointer pointer() {
        return pointer;
    }

    NativeFloats floats() {
        return floats;
    }

    long capacity() {
        return capacity;
    }

    void zero(int from, int count) {
        floats.zero(from, count);
    }

    void copyIn(float[] values) {
        copyIn(0, values);
    }

    void copyIn(int offset, float[] values) {
        pointer.position(offset).put(values).position(0);
    }

    float[] copyOut(int offset, int count) {
        float[] out = new float[count];
        pointer.position(offset).get(out).position(0);
        return out;
    }

    @Override
    public void close() {
        if (pointer != null) {
            pointer.close();
            pointer = null;
            floats = null;
            capacity = 0;
        }
    }
}
