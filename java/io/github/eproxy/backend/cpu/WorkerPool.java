package io.github.eproxy.backend.cpu;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs one step on {@code parts} threads (the caller's plus {@code parts - 1} workers) and waits for
 * all of them, without allocating: the step object itself is handed over through a volatile field.
 */
final class WorkerPool implements AutoCloseable {
    /** Spin iterations a worker waits for the next step before it parks: steps follow each other in microseconds. */
    private static final int SPINS = 1 << 18;

    private final Worker[] workers;

    WorkerPool(int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + parts);
        }
        workers = new Worker[parts - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1, parts);
            workers[i].start();
        }
    }

    int parts() {
        return workers.length + 1;
    }

    /** Runs {@code step}'s forward (or backward) part on every thread; rethrows the first failure. */
    void run(Step step, boolean backward) {
        Thread caller = Thread.currentThread();
        for (Worker w : workers) {
            w.caller = caller;
            w.backward = backward;
            w.task = step;
            LockSupport.unpark(w);
        }
        RuntimeException failure = null;
        try {
            step.run(backward, 0, parts());
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Worker w : workers) {
            int spins = 0;
            while (w.task != null) {
                // the worker runs a share of the same step: it finishes within microseconds of us, and
                // parking would cost the kernel's timer slack (~50 us) on every step
                if (++spins > SPINS) {
                    LockSupport.parkNanos(this, 20_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (w.failure != null && failure == null) {
                failure = w.failure;
            }
            w.failure = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.interrupt();
        }
    }

    private static final class Worker extends Thread {
        private final int part;
        private final int parts;
        volatile Step task;
        volatile boolean backward;
        volatile Thread caller;
        volatile RuntimeException failure;

        Worker(int part, int parts) {
            super("eproxy-cpu-" + part + "-of-" + parts);
            this.part = part;
            this.parts = parts;
            setDaemon(true);
        }

        @Override
        public void run() {
            int idle = 0;
            while (!isInterrupted()) {
                Step t = task;
                if (t == null) {
                    if (++idle < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                idle = 0;
                try {
                    t.run(backward, part, parts);
                } catch (RuntimeException e) {
                    failure = e;
                }
                task = null;
                LockSupport.unpark(caller);
            }
        }
    }
}
