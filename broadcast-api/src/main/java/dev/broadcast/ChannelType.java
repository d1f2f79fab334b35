package dev.broadcast;

/**
 * The kind of a channel, which on the wire is nothing but a prefix of its name.
 *
 * <p>Classification follows pusher-js: {@code private-encrypted-} is checked before
 * {@code private-}, and everything without a known prefix is public. Cache channels are not a
 * separate type: any type whose name continues with {@code cache-} after the prefix is a cache
 * channel (see {@link Channel#isCache()}).
 */
public enum ChannelType {
    /** Anyone may subscribe; no authorization. */
    PUBLIC(""),
    /** Subscription needs a signature from the host application. */
    PRIVATE("private-"),
    /** Private, and the payloads are end-to-end encrypted by the server SDK; the server relays ciphertext. */
    ENCRYPTED_PRIVATE("private-encrypted-"),
    /** Private, and subscribers are members whose arrivals and departures are announced. */
    PRESENCE("presence-");

    private final String prefix;

    ChannelType(String prefix) {
        this.prefix = prefix;
    }

    /** The wire prefix of this type, {@code ""} for public channels. */
    public String prefix() {
        return prefix;
    }

    /** Whether subscribing needs a signature: every type except {@link #PUBLIC}. */
    public boolean requiresAuthorization() {
        return this != PUBLIC;
    }

    /**
     * The type of a full wire name, e.g. {@code PRESENCE} for {@code presence-chat.1}.
     *
     * @throws NullPointerException if {@code wireName} is null
     */
    public static ChannelType of(String wireName) {
        if (wireName.startsWith(ENCRYPTED_PRIVATE.prefix)) {
            return ENCRYPTED_PRIVATE;
        }
        if (wireName.startsWith(PRIVATE.prefix)) {
            return PRIVATE;
        }
        if (wireName.startsWith(PRESENCE.prefix)) {
            return PRESENCE;
        }
        return PUBLIC;
    }
}
