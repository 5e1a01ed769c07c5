package io.github.eproxy.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
    @Test
    void namesTheProblemNotThePathAgain() {
        assertEquals("no such file or directory", IoErrors.reason(new NoSuchFileException("/a/b")));
        assertEquals("permission denied", IoErrors.reason(new AccessDeniedException("/a/b")));
        assertEquals("Read-only file system", IoErrors.reason(new FileSystemException("/a/b", null, "Read-only file system")));
        assertEquals("disk full", IoErrors.reason(new IOException("disk full")));
        assertEquals("IOException", IoErrors.reason(new IOException()));
    }
}
