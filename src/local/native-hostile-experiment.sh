#!/usr/bin/env bash
# Proves that the native check can fail: makes a native-hostile change in a copy of the project, runs
# src/local/check-native-build.sh --test there (the native build, then PackagedNativeLambdaIT), and expects it to fail
# with the real error; then removes the change and expects the same check to pass. The working tree is not touched:
# the copy is target/native-hostile/<experiment>/project (tracked and untracked-but-not-ignored files as they are
# now, plus the installed dynalite).
#
# Usage: bash src/local/native-hostile-experiment.sh static-random | unregistered-forname
#   static-random         a bean class holding a SecureRandom in a static final field, initialized at build time
#                         (--initialize-at-build-time in the project's META-INF/native-image/.../native-image.properties,
#                         how a library or a project asks for it): the builder must refuse the image (SecureRandom
#                         seeded at build time and frozen into the image heap).
#   unregistered-forname  a startup bean doing Class.forName on a name computed at run time (read from the
#                         environment, with a default) and registered nowhere: the JVM artifact still starts and
#                         passes PackagedLambdaIT, the native executable must fail PackagedNativeLambdaIT.
# Exit 0 when the check failed with the change and passed without it; 1 otherwise. About 20 minutes (two native
# builds). Logs and a summary: target/native-hostile/<experiment>/.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
experiment=${1:-}
case $experiment in static-random | unregistered-forname) ;; *)
  sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;; esac
export NATIVE_IMAGE_KIT=$(cd "${NATIVE_IMAGE_KIT:-$root/../shared/native-image}" 2>/dev/null && pwd || echo "${NATIVE_IMAGE_KIT:-$root/../shared/native-image}")
work=$root/target/native-hostile/$experiment
copy=$work/project
summary=$work/summary.txt
rm -rf "$work"; mkdir -p "$copy"
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$copy"
[ -d src/local/dynalite/node_modules ] && cp -a src/local/dynalite/node_modules "$copy/src/local/dynalite/"
say() { echo "$*" | tee -a "$summary"; }

# ---- the native-hostile change
pkg=$copy/src/main/java/io/policywebhooks/webhook
hostile=()
case $experiment in
  static-random)
    hostile=("$pkg/DeliveryNonce.java" "$copy/src/main/resources/META-INF/native-image/io.policywebhooks/policy-webhooks/native-image.properties")
    cat > "${hostile[0]}" <<'JAVA'
package io.policywebhooks.webhook;

import java.security.SecureRandom;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

/** NATIVE-HOSTILE EXPERIMENT: a SecureRandom made when the class is initialized, which happens at build time. */
@Startup
@Singleton
public class DeliveryNonce {
    static final SecureRandom RANDOM = new SecureRandom();

    @PostConstruct
    void init() {
        org.jboss.logging.Logger.getLogger(DeliveryNonce.class).debugf("first nonce %d", RANDOM.nextLong());
    }
}
JAVA
    mkdir -p "$(dirname "${hostile[1]}")"
    echo 'Args = --initialize-at-build-time=io.policywebhooks.webhook.DeliveryNonce' > "${hostile[1]}"
    expect_build=fail
    error_pattern='UnsupportedFeatureException: Detected an instance of Random'
    ;;
  unregistered-forname)
    hostile=("$pkg/CodecLoader.java" "$pkg/HexCodec.java")
    cat > "${hostile[0]}" <<'JAVA'
package io.policywebhooks.webhook;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

/** NATIVE-HOSTILE EXPERIMENT: loads a class by a name known only at run time, registered for reflection nowhere. */
@Startup
@Singleton
public class CodecLoader {
    @PostConstruct
    void init() throws ClassNotFoundException {
        String name = System.getenv().getOrDefault("POLICY_WEBHOOKS_CODEC", "io.policywebhooks.webhook.HexCodec");
        Class.forName(name);
    }
}
JAVA
    cat > "${hostile[1]}" <<'JAVA'
package io.policywebhooks.webhook;

/** NATIVE-HOSTILE EXPERIMENT: only ever named in a string. */
public class HexCodec {
}
JAVA
    expect_build=pass
    error_pattern='ClassNotFoundException|MissingReflectionRegistrationError'
    ;;
esac

say "# native-hostile experiment: $experiment ($(date -u +%FT%TZ), commit $(git rev-parse --short HEAD))"
say "change: ${hostile[*]#$copy/}"

ok=true
# ---- 1. with the change
(cd "$copy" && bash src/local/check-native-build.sh --test) > "$work/with-change.log" 2>&1
with=$?
say "with the change: check-native-build.sh --test exited $with"
if [ $with -eq 0 ]; then
  say "  UNEXPECTED: the check passed with a native-hostile change"; ok=false
else
  if grep -q '^OK: target/native-runner' "$work/with-change.log"; then built=pass; else built=fail; fi
  say "  native build: $built (expected: $expect_build)"
  [ "$built" = "$expect_build" ] || ok=false
  say "  the error, as reported:"
  grep -hE "$error_pattern" "$work/with-change.log" "$copy"/target/native-it-*.log 2>/dev/null \
    | grep -vE '^\s*at |ni-shim' | sort -u | head -4 | cut -c1-400 | sed 's/^/    /' | tee -a "$summary"
  grep -qhE "$error_pattern" "$work/with-change.log" "$copy"/target/native-it-*.log 2>/dev/null \
    || { say "  UNEXPECTED: the failure does not show the expected error ($error_pattern)"; ok=false; }
fi
if [ "$experiment" = unregistered-forname ]; then
  # the same change on the JVM: the packaged JVM artifact still passes every PackagedLambdaIT check
  (cd "$copy" && ./mvnw -B package failsafe:integration-test failsafe:verify -Dtest=NONE \
      -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=PackagedLambdaIT) > "$work/jvm-with-change.log" 2>&1
  jvm=$?
  say "with the change, JVM artifact: PackagedLambdaIT exited $jvm ($(grep -E 'Tests run: [0-9]+, Fail' "$work/jvm-with-change.log" | tail -1))"
  [ $jvm -eq 0 ] || ok=false
fi

# ---- 2. reverted
rm -f "${hostile[@]}"
(cd "$copy" && bash src/local/check-native-build.sh --test) > "$work/reverted.log" 2>&1
reverted=$?
say "reverted: check-native-build.sh --test exited $reverted"
grep -E '^(OK|FAIL)|Tests run' "$work/reverted.log" | sed 's/^/    /' | tee -a "$summary"
[ $reverted -eq 0 ] || ok=false

if $ok; then say "RESULT: as expected (fails with the change, passes without it)"; exit 0; fi
say "RESULT: NOT as expected; logs in $work"
exit 1
