package dev.broadcast.spring.boot;

import dev.broadcast.core.UserData;

/**
 * Who a signed-in user is to the other clients when its connection signs in
 * ({@code pusher.signin()}, served at {@code /broadcasting/user-auth}). Define one as a bean to
 * turn user authentication on; without it, user authentication answers 404.
 *
 * <pre>{@code
 * @Bean
 * UserDataResolver<Principal> userData() {
 *     return principal -> new UserData(principal.getName(), Map.of("name", principal.getName()));
 * }
 * }</pre>
 *
 * @param <U> the user type the {@link dev.broadcast.jakarta.UserResolver} gives (by default
 *            {@link java.security.Principal})
 */
@FunctionalInterface
public interface UserDataResolver<U> {

    /** The user's {@link UserData}, or null to refuse the sign-in with 403. */
    UserData resolve(U user);
}
