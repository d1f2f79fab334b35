package dev.broadcast.core.transport;

/**
 * The shape of a Pusher socket id: two runs of ASCII digits joined by a dot, e.g.
 * {@code 1234.5678}, as the server hands them out in {@code pusher:connection_established} and as
 * every Pusher server SDK validates them before sending one as {@code socket_id}.
 */
public final class SocketIds {

    private SocketIds() {
    }

    /** Whether {@code socketId} has the shape {@code digits.digits}; false for null. */
    public static boolean isValid(String socketId) {
        if (socketId == null) {
            return false;
        }
        int dot = socketId.indexOf('.');
        return dot > 0 && dot < socketId.length() - 1 && digits(socketId, 0, dot)
                && digits(socketId, dot + 1, socketId.length());
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
