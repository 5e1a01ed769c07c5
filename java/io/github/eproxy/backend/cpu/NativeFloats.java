package io.github.eproxy.backend.cpu;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * Float access to a block of native memory by element index. The kernels' inner loops run through
 * here, and {@link java.nio.FloatBuffer}'s per-access bounds and scope checks made them several times
 * slower than the arithmetic, so this reads and writes the memory directly. Indices come from the
 * planner, whose layout the tests check; with assertions enabled (as in the test suite) every access
 * is also bounds-checked here.
 */
final class NativeFloats {
    private static final Unsafe UNSAFE = unsafe();
    private static final long FLOAT_ARRAY_BASE = UNSAFE.arrayBaseOffset(float[].class);

    private final long address;
    private final long size;

    NativeFloats(long address, long size) {
        this.address = address;
        this.size = size;
    }

    float get(int i) {
        assert i >= 0 && i < size : "index " + i + " outside [0, " + size + ")";
        return UNSAFE.getFloat(address + 4L * i);
    }

    void put(int i, float v) {
        assert i >= 0 && i < size : "index " + i + " outside [0, " + size + ")";
        UNSAFE.putFloat(address + 4L * i, v);
    }

    /** Copies {@code count} floats from {@code src} at {@code from} to this at {@code to}. */
    void copy(NativeFloats src, int from, int to, int count) {
        assert count >= 0 && from >= 0 && from + (long) count <= src.size && to >= 0 && to + (long) count <= size
                : "copy of " + count + " from " + from + " to " + to + " out of bounds";
        UNSAFE.copyMemory(src.address + 4L * from, address + 4L * to, 4L * count);
    }

    /** Copies {@code count} floats from {@code from} into {@code dst[0..count)}. */
    void read(int from, float[] dst, int count) {
        assert count >= 0 && count <= dst.length && from >= 0 && from + (long) count <= size
                : "read of " + count + " from " + from + " out of bounds";
        UNSAFE.copyMemory(null, address + 4L * from, dst, FLOAT_ARRAY_BASE, 4L * count);
    }

    /** Copies {@code src[0..count)} to the floats from {@code to}. */
    void write(float[] src, int to, int count) {
        assert count >= 0 && count <= src.length && to >= 0 && to + (long) count <= size
                : "write of " + count + " to " + to + " out of bounds";
        UNSAFE.copyMemory(src, FLOAT_ARRAY_BASE, null, address + 4L * to, 4L * count);
    }

    /** Sets {@code count} floats from {@code from} to zero. */
    void zero(int from, int count) {
        assert count >= 0 && from >= 0 && from + (long) count <= size : "zero of " + count + " at " + from + " out of bounds";
        UNSAFE.setMemory(address + 4L * from, 4L * count, (byte) 0);
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
