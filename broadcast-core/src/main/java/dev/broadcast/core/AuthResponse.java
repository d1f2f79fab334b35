package dev.broadcast.core;

/**
 * What an auth endpoint answers: an HTTP status and a JSON body, to be sent with
 * {@code Content-Type: application/json}. Only {@code 200} answers carry a signature; pusher-js
 * turns any other status into a {@code pusher:subscription_error} of type {@code AuthError}
 * with that status (Echo's {@code .error()} callback), or a failed signin.
 *
 * @param status the HTTP status
 * @param json   the body: the signed answer on 200, {@code {"error":"…"}} otherwise
 */
public record AuthResponse(int status, String json) {
}
