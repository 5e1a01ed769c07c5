package io.github.eproxy.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a batch of tasks a few at a time, as the scoring loops do. After a task fails, no further
 * task starts, and those running finish, without an interrupt, before the failure is rethrown.
 * Rethrowing earlier would let the caller close the backends, journals and files that running
 * tasks still use (a backend closed under a training frees the memory it computes in), and an
 * interrupt would close the interruptible file channel a task is writing its result to.
 */
public final class Tasks {
    private Tasks() {
    }

    /**
     * The tasks' results, in task order; the first failure (a {@link RuntimeException} or an
     * {@link Error}, as thrown) once every started task has ended. An interrupt of the calling
     * thread stops the batch the same way and ends in an {@link IllegalStateException}.
     */
    public static <T> List<T> runAll(int threads, String threadName, List<? extends Supplier<T>> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Future<T>> futures = new ArrayList<>();
        for (Supplier<T> task : tasks) {
            futures.add(pool.submit(() -> {
                if (failure.get() != null) {
                    return null;
                }
                try {
                    return task.get();
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                    throw e;
                }
            }));
        }
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.DAYS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                failure.compareAndSet(null, new IllegalStateException("interrupted", e));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw (RuntimeException) f;
        }
        List<T> out = new ArrayList<>(futures.size());
        for (Future<T> future : futures) {
            try {
                out.add(future.get());
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("a finished task has no result", e); // cannot happen: all ended well
            }
        }
        return out;
    }
}
