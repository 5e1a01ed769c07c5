#!/usr/bin/env bash
# Packs what bench/gpu-check.sh needs into .device/ (git-ignored; pass it as the device tool's
# `carry`): the GPU machine has no Java, no Maven and no network. Run here, where nvcc is:
#   bench/gpu-bundle.sh
# Contents (with the working tree < 64 MiB): a jlink'd Java runtime (.tgz), eproxy.jar with the native library, the
# compiled tests and JUnit's console launcher, the GPU benchmarks compiled with JMH.
set -euo pipefail
cd "$(dirname "$0")/.."
M2=${M2_REPO:-$HOME/.m2/repository}
JMH_VERSION=1.37
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.1

mvn -B -q package -DskipTests
test -f target/classes/io/github/eproxy/backend/cuda/linux-x86_64/libeproxy_native.so \
  || { echo "gpu-bundle: the native library was not built (is nvcc at /usr/local/cuda/bin?)" >&2; exit 1; }
mvn -B -q dependency:get -Dartifact="$JUNIT_CONSOLE" >/dev/null

rm -rf .device && mkdir -p .device/bench-classes
cp target/eproxy.jar .device/
jar cf .device/tests.jar -C target/test-classes .
cp "$M2"/org/junit/platform/junit-platform-console-standalone/1.14.1/junit-platform-console-standalone-1.14.1.jar .device/junit.jar
JMH=$M2/org/openjdk/jmh/jmh-core/$JMH_VERSION/jmh-core-$JMH_VERSION.jar
GEN=$M2/org/openjdk/jmh/jmh-generator-annprocess/$JMH_VERSION/jmh-generator-annprocess-$JMH_VERSION.jar
cp "$JMH" .device/jmh-core.jar
cp "$M2"/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar .device/jopt-simple.jar
javac --release 17 -nowarn -d .device/bench-classes -cp target/eproxy.jar:"$JMH" \
  -processorpath "$GEN:$JMH" bench/io/github/eproxy/bench/Archs.java bench/io/github/eproxy/bench/Gpu*.java

# java.desktop: compare draws its PNG. Uncompressed modules under gzip -9 pack smaller (25 MB)
# than jlink's own compression under gzip (30 MB).
rm -rf target/jre
jlink --add-modules java.base,java.desktop,java.logging,java.management,jdk.management,jdk.unsupported,java.xml \
  --strip-debug --no-man-pages --no-header-files --compress=0 --output target/jre
tar cf - -C target jre | gzip -9 > .device/jre.tgz
du -sh .device
# What travels to the device is the working tree (tracked and untracked-not-ignored files) plus .device.
bytes=$(( $(du -sb .device | cut -f1) + $(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb | tail -1 | cut -f1) ))
echo "travels: $(( bytes / 1048576 )) MiB of the device tool's 64"
(( bytes < 64 * 1048576 )) || { echo "gpu-bundle: over the device tool's 64 MiB; the run would be refused" >&2; exit 1; }
