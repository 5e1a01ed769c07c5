package io.github.eproxy.backend.cpu;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A growable block of native floats, the single owner of its memory. Java kernels see it as a
 * {@link FloatBuffer}, OpenBLAS as a {@link FloatPointer}; both views are replaced when it grows.
 */
final class NativeBuffer implements AutoCloseable {
    private FloatPointer pointer;
    private FloatBuffer buffer;
    private long capacity;

    /** Makes room for at least {@code floats} elements; old contents are not kept. */
    void ensure(long floats) {
        if (floats <= capacity && pointer != null) {
            return;
        }
        close();
        capacity = Math.max(floats, 16);
        pointer = new FloatPointer(capacity);
        if (pointer.isNull()) {
            throw new OutOfMemoryError("cannot allocate " + capacity * 4 + " bytes of native memory");
        }
        buffer = pointer.asBuffer();
    }

    FloatPointer pointer() {
        return pointer;
    }

    FloatBuffer buffer() {
        return buffer;
    }

    long capacity() {
        return capacity;
    }

    void zero(int from, int count) {
        for (int i = from; i < from + count; i++) {
            buffer.put(i, 0f);
        }
    }

    void copyIn(float[] values) {
        buffer.put(0, values);
    }

    void copyIn(int offset, float[] values) {
        buffer.put(offset, values);
    }

    float[] copyOut(int count) {
        float[] out = new float[count];
        buffer.get(0, out);
        return out;
    }

    @Override
    public void close() {
        if (pointer != null) {
            pointer.close();
            pointer = null;
            buffer = null;
            capacity = 0;
        }
    }
}
