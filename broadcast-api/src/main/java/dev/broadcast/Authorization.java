package dev.broadcast;

import java.util.Objects;

/**
 * The answer of a channel route for one user: allowed (private channels), a presence member, or
 * denied. Returned by {@link PresenceAuthorizer}s and by {@link ChannelRoutes#authorize}.
 */
public sealed interface Authorization permits Authorization.Allowed, Authorization.Denied, Authorization.Member {

    /** Allowed to subscribe to a private or public channel. */
    static Authorization allow() {
        return Allowed.INSTANCE;
    }

    /** Not allowed; the auth endpoint answers 403. */
    static Authorization deny() {
        return new Denied("Denied by the channel route");
    }

    /** Not allowed, with a reason for logs and test failures (never sent to the client). */
    static Authorization deny(String reason) {
        return new Denied(reason);
    }

    /**
     * Allowed into a presence channel as this member. {@code userId} is sent as a string (compared
     * as one, so {@code 7} and {@code "7"} are the same user); {@code userInfo} is serialized to
     * JSON and shown to the other members, and may be null.
     */
    static Authorization member(Object userId, Object userInfo) {
        return new Member(String.valueOf(Objects.requireNonNull(userId, "userId")), userInfo);
    }

    /** A presence member without user info. */
    static Authorization member(Object userId) {
        return member(userId, null);
    }

    /** Whether this allows subscribing (as a plain subscriber or a member). */
    default boolean isAllowed() {
        return !(this instanceof Denied);
    }

    /** Allowed to subscribe. */
    final class Allowed implements Authorization {
        static final Allowed INSTANCE = new Allowed();

        private Allowed() {
        }

        @Override
        public String toString() {
            return "Allowed";
        }
    }

    /** Not allowed, and why. */
    record Denied(String reason) implements Authorization {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Allowed into a presence channel as {@code userId} with {@code userInfo} (may be null). */
    record Member(String userId, Object userInfo) implements Authorization {
        public Member {
            Objects.requireNonNull(userId, "userId");
            if (userId.isEmpty()) {
                throw new IllegalArgumentException("A presence member needs a non-empty user id");
            }
        }
    }
}
