#!/usr/bin/env bash
# Builds the function's native executable and leaves it at target/native-runner, with whatever is present, in
# this order:
#  1. GraalVM/Mandrel: `native-image` on PATH or in $GRAALVM_HOME/bin   -> ./mvnw package -Dnative
#  2. a container runtime (docker or podman answering `info`)           -> ... -Dquarkus.native.container-build=true
#     (both also write target/function.zip with `bootstrap`, the deployable artifact; this script checks it)
#  3. the native-image kit (default ../shared/native-image from the project root; NATIVE_IMAGE_KIT overrides):
#     GraalVM's builder from Maven Central on a JDK 25, linked dynamically (see the kit's README). This is a build
#     aid for machines without 1. or 2., not the deployable build: no function.zip, only target/native-runner.
# Any analysis or compilation error, unsupported feature or class-initialization error fails the check, printing
# the builder's own message; the whole log is target/native-build.log.
#
# Usage: bash src/local/check-native-build.sh [--if-available] [--test]
#   --if-available   with none of the three, print why and exit 0 without an executable (.ci/run uses this);
#                    without it, that case exits 3.
#   --test           then run the packaged-artifact tests on the executable (PackagedNativeLambdaIT: every check of
#                    PackagedLambdaIT, the executable started as Lambda's provided runtime starts bootstrap); they
#                    must all run and pass (log: target/native-it.log).
#                    Alone: ./mvnw test-compile failsafe:integration-test failsafe:verify \
#                             -Dit.test=PackagedNativeLambdaIT -Dpolicywebhooks.native-runner=target/native-runner
# Environment: NATIVE_TOOLCHAIN=auto|graalvm|container|kit (default auto: the first present in the order above),
#   NATIVE_IMAGE_KIT, and for the kit NI_WORK (its work folder, default ${TMPDIR:-/tmp}/graal-from-maven; shared by
#   builds on the machine, which take turns on a lock there: one build needs ~6 GB of heap), JDK25, BUILDER_XMX.
set -uo pipefail
cd "$(dirname "$0")/../.."
if_available=false
run_test=false
for arg in "$@"; do
  case $arg in
    --if-available) if_available=true ;;
    --test) run_test=true ;;
    *) echo "usage: $0 [--if-available] [--test]" >&2; exit 2 ;;
  esac
done
out=target/native-runner
log=target/native-build.log
kit=${NATIVE_IMAGE_KIT:-../shared/native-image}
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p target
rm -f "$out"

graalvm_present() { command -v native-image >/dev/null 2>&1 || [ -x "${GRAALVM_HOME:-/nonexistent}/bin/native-image" ]; }
container_present() {
  { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; } ||
    { command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; }
}
kit_missing() { # prints what the kit lacks here, nothing when it is usable
  if [ ! -f "$kit/build-quarkus.sh" ]; then echo "no native-image kit at $kit (set NATIVE_IMAGE_KIT)"
  elif [ ! -x "$jdk25/bin/java" ]; then echo "the native-image kit needs a JDK 25, none at $jdk25 (set JDK25)"
  elif ! command -v gcc >/dev/null 2>&1; then echo "the native-image kit needs gcc, which is not installed"
  elif ! command -v mvn >/dev/null 2>&1 && ! ls "${NI_WORK:-${TMPDIR:-/tmp}/graal-from-maven}"/jars/svm-*.jar >/dev/null 2>&1; then
    echo "the native-image kit needs Maven (mvn) on PATH to fetch GraalVM's builder jars"
  fi
}

toolchain=${NATIVE_TOOLCHAIN:-auto}
if [ "$toolchain" = auto ]; then
  if graalvm_present; then toolchain=graalvm
  elif container_present; then toolchain=container
  elif [ -z "$(kit_missing)" ]; then toolchain=kit
  else
    reason="no native-image (GraalVM/Mandrel) on PATH or in GRAALVM_HOME, no running docker or podman, and $(kit_missing)"
    if $if_available; then echo "SKIPPED: native build: $reason"; exit 0; fi
    echo "FAIL: cannot build the native executable: $reason" >&2
    exit 3
  fi
fi

# The builder's own report of what went wrong: its error block(s) (unsupported features, class initialization,
# missing registrations, compilation errors), else Maven's errors.
builder_errors() {
  if grep -qE '^(Error|Fatal error)[: ]' "$log"; then
    awk '/^(Error|Fatal error)[: ]/ {on=1} /^\t(at |\.\.\. [0-9]+ more)/ {next} on && n < 80 {print; n++}
         /^-{20,}$/ && on && n > 1 {on=0}' "$log"
  else
    grep -E '^\[ERROR\]' "$log" | head -40
  fi
}
phases() { grep -E '^\[[0-9]/8\]' "$log" | sed 's/^/  /' || true; }

started=$(date +%s)
case $toolchain in
  graalvm | container)
    args=(-B package -Dnative -DskipTests)
    [ "$toolchain" = container ] && args+=(-Dquarkus.native.container-build=true)
    echo "native build with $toolchain: ./mvnw ${args[*]} (log: $log)"
    if ! ./mvnw "${args[@]}" > "$log" 2>&1; then
      phases
      echo "FAIL: the native build failed ($toolchain); the builder says:" >&2
      builder_errors >&2
      exit 1
    fi
    phases
    runner=$(ls target/*-runner 2>/dev/null | head -1)
    [ -n "$runner" ] || { echo "FAIL: the build wrote no target/*-runner" >&2; exit 1; }
    unzip -l target/function.zip | grep -q ' bootstrap$' || { echo "FAIL: target/function.zip has no bootstrap" >&2; exit 1; }
    cp "$runner" "$out"
    ;;
  kit)
    [ -z "$(kit_missing)" ] || { echo "FAIL: $(kit_missing)" >&2; exit 3; }
    export NI_WORK=${NI_WORK:-${TMPDIR:-/tmp}/graal-from-maven}
    mkdir -p "$NI_WORK" && [ -w "$NI_WORK" ] || { echo "FAIL: the kit's work folder $NI_WORK is not writable (set NI_WORK)" >&2; exit 1; }
    # Builds sharing NI_WORK share its temp folder (the kit empties it at start) and each takes ~6 GB: one at a time.
    exec 9> "$NI_WORK/.policy-webhooks-build.lock"
    flock -n 9 || { echo "another native build is using $NI_WORK; waiting for it"; flock 9; }
    echo "native build with the kit at $kit (work folder $NI_WORK, log: $log); about 8-10 minutes"
    if ! bash "$kit/build-quarkus.sh" . "$out" > target/native-kit.log 2>&1; then
      phases
      grep -v '^\[[0-9]/8\]' target/native-kit.log | tail -5 >&2
      echo "FAIL: the native build failed (kit); the builder says:" >&2
      builder_errors >&2
      exit 1
    fi
    phases
    grep -E '^link\.sh:' target/native-kit.log | sed 's/^/  /'
    ;;
  *) echo "FAIL: NATIVE_TOOLCHAIN=$toolchain: expected auto, graalvm, container or kit" >&2; exit 2 ;;
esac

[ -x "$out" ] || { echo "FAIL: no executable at $out" >&2; exit 1; }
if ldd "$out" 2>&1 | grep -q 'not found'; then
  echo "FAIL: $out cannot load its libraries:" >&2; ldd "$out" | grep 'not found' >&2; exit 1
fi
echo "OK: $out ($(du -m "$out" | cut -f1) MB, $toolchain, $(( $(date +%s) - started )) s)"
$run_test || exit 0

itlog=target/native-it.log
echo "native packaged-artifact tests: PackagedNativeLambdaIT on $out (log: $itlog)"
./mvnw -B test-compile failsafe:integration-test failsafe:verify -Dit.test=PackagedNativeLambdaIT \
  -Dpolicywebhooks.native-runner="$out" > "$itlog" 2>&1
status=$?
summary=$(grep -E 'Tests run: [0-9]+, Failures' "$itlog" | tail -1)
echo "  ${summary:-no test summary}"
if [ $status -ne 0 ]; then
  grep -E '^\[ERROR\]' "$itlog" | head -40 >&2
  for f in target/native-it-*.log; do [ -f "$f" ] && { echo "--- $f (last 30 lines)" >&2; tail -30 "$f" >&2; }; done
  echo "FAIL: the native executable failed the packaged-artifact tests" >&2
  exit 1
fi
grep -qE 'Tests run: [1-9][0-9]*, Failures: 0, Errors: 0, Skipped: 0' <<< "$summary" \
  || { echo "FAIL: the native tests did not all run: $summary" >&2; exit 1; }
echo "OK: the native executable passed the packaged-artifact tests"
