package io.github.eproxy.backend.cpu;

/** The CPU backend's four native buffers: activation arena, parameters, their gradients, momentum. */
final class Memory implements AutoCloseable {
    final NativeBuffer arena = new NativeBuffer();
    final NativeBuffer params = new NativeBuffer();
    final NativeBuffer grads = new NativeBuffer();
    final NativeBuffer momentum = new NativeBuffer();

    void ensure(long arenaSize, long paramSize) {
        arena.ensure(arenaSize);
        params.ensure(paramSize);
        grads.ensure(paramSize);
        momentum.ensure(paramSize);
    }

    long bytes() {
        return 4 * (arena.capacity() + params.capacity() + grads.capacity() + momentum.capacity());
    }

    @Override
    public void close() {
        arena.close();
        params.close();
        grads.close();
        momentum.close();
    }
}
