package dev.broadcast.core;

import java.util.Objects;

/**
 * Who a connection signs in as ({@code pusher.signin()}): the {@code user_data} an
 * {@link AuthEndpoint} signs. pusher-js requires a non-empty string id; the server then lets the
 * connection subscribe to {@code #server-to-user-{id}}, so events sent to the user reach it.
 *
 * @param id   the user's id, 1 to {@value #MAX_ID_LENGTH} characters
 * @param info anything Jackson serializes (a map, a record…), sent as {@code user_info}; null
 *             for none. A record or bean from a named module needs its package opened to
 *             {@code com.fasterxml.jackson.databind}, as for any Jackson serialization.
 */
public record UserData(String id, Object info) {

    /** The longest id Pusher accepts (its default {@code user_id} limit). */
    public static final int MAX_ID_LENGTH = 128;

    /**
     * @throws NullPointerException     if {@code id} is null
     * @throws IllegalArgumentException if {@code id} is empty or longer than {@value #MAX_ID_LENGTH}
     *                                  characters
     */
    public UserData {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("A signed-in user needs a non-empty id");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("A signed-in user's id is " + id.length()
                    + " characters long; at most " + MAX_ID_LENGTH + " are allowed");
        }
    }

    /** A user without info. */
    public UserData(String id) {
        this(id, null);
    }
}
