package dev.broadcast;

/**
 * A broadcast that could not be delivered: the driver failed (a refused or unreachable server, a
 * full dispatch queue). Invalid events are reported with {@link IllegalArgumentException} instead,
 * when the broadcast is resolved and before anything is sent.
 */
public class BroadcastException extends RuntimeException {

    public BroadcastException(String message) {
        super(message);
    }

    public BroadcastException(String message, Throwable cause) {
        super(message, cause);
    }
}
