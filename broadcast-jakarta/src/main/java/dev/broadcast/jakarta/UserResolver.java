package dev.broadcast.jakarta;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds the signed-in user of an auth request, from the host application's own session, token
 * or security context: e.g. {@code request -> (User) request.getSession().getAttribute("user")}
 * or {@code request -> users.find(request.getUserPrincipal())}.
 *
 * @param <U> the application's user type
 */
@FunctionalInterface
public interface UserResolver<U> {

    /**
     * The user who sent {@code request}, or null when nobody is signed in (the auth endpoints
     * then answer 403). Called once per auth request, on the container's request thread, after
     * the body was read. An exception is answered with 500 and logged.
     */
    U resolve(HttpServletRequest request);
}
