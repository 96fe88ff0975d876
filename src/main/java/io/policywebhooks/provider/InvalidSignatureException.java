package io.policywebhooks.provider;

/**
 * The one exception a verifier throws. Messages are short, fixed strings safe to return to the caller:
 * they never contain a secret, a signature value or any part of the body.
 */
public final class InvalidSignatureException extends Exception {
    public InvalidSignatureException(String message) {
        super(message, null, false, false); // no stack trace: it is an expected outcome, not a fault
    }
}
