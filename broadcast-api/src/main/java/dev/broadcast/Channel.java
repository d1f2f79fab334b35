package dev.broadcast;

import java.util.Objects;

/**
 * A channel events are broadcast on and clients subscribe to.
 *
 * <p>A channel is identified by its wire name, which carries its {@link ChannelType} as a prefix:
 * {@code orders}, {@code private-user.7}, {@code presence-chat.1}, {@code private-encrypted-vault.1}.
 * The factories take the name without the prefix, as Laravel's {@code PrivateChannel("user.7")} does.
 *
 * <p>Names are validated when a channel is created: at most {@value #MAX_NAME_LENGTH} characters
 * including the prefix, made of {@code A-Z a-z 0-9 _ - = @ , . ;} only. A name that breaks the
 * rule gives an {@link IllegalArgumentException} that says which rule. Names starting with
 * {@code #} are reserved for the server and cannot be created here.
 *
 * <p>Channels are immutable values; two channels are equal when their wire names are equal.
 */
public sealed interface Channel permits Channel.Public, Channel.Private, Channel.EncryptedPrivate, Channel.Presence {

    /** The longest wire name, prefix included. */
    int MAX_NAME_LENGTH = 200;

    /** The full wire name, prefix included, e.g. {@code private-user.7}. */
    String name();

    /** The type, as given by the prefix of {@link #name()}. */
    default ChannelType type() {
        return ChannelType.of(name());
    }

    /** The name without the type prefix, e.g. {@code user.7} for {@code private-user.7}. */
    default String baseName() {
        return name().substring(type().prefix().length());
    }

    /**
     * Whether this is a cache channel ({@code cache-…}, {@code private-cache-…},
     * {@code private-encrypted-cache-…}, {@code presence-cache-…}): the server keeps its last event
     * and sends it to each new subscriber.
     */
    default boolean isCache() {
        return baseName().startsWith("cache-");
    }

    /** A public channel; {@code name} must not start with a private or presence prefix. */
    static Public of(String name) {
        return new Public(name);
    }

    /** The private channel {@code private-{name}}. */
    static Private privateChannel(String name) {
        return new Private(ChannelType.PRIVATE.prefix() + name);
    }

    /** The presence channel {@code presence-{name}}. */
    static Presence presence(String name) {
        return new Presence(ChannelType.PRESENCE.prefix() + name);
    }

    /** The encrypted private channel {@code private-encrypted-{name}}. */
    static EncryptedPrivate encryptedPrivate(String name) {
        return new EncryptedPrivate(ChannelType.ENCRYPTED_PRIVATE.prefix() + name);
    }

    /**
     * The channel a full wire name stands for, its type taken from the prefix.
     *
     * @throws IllegalArgumentException if the name is not a valid channel name
     */
    static Channel parse(String wireName) {
        return switch (ChannelType.of(Objects.requireNonNull(wireName, "channel name"))) {
            case PUBLIC -> new Public(wireName);
            case PRIVATE -> new Private(wireName);
            case ENCRYPTED_PRIVATE -> new EncryptedPrivate(wireName);
            case PRESENCE -> new Presence(wireName);
        };
    }

    /**
     * Why {@code wireName} is not a valid channel name, or {@code null} if it is one.
     * The server uses the same rule for names that arrive over the wire.
     */
    static String nameProblem(String wireName) {
        if (wireName == null || wireName.isEmpty()) {
            return "Channel name is empty";
        }
        if (wireName.length() > MAX_NAME_LENGTH) {
            return "Channel name is longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < wireName.length(); i++) {
            char c = wireName.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '=' || c == '@' || c == ',' || c == '.' || c == ';';
            if (!allowed) {
                return "Channel name may only contain A-Z a-z 0-9 _ - = @ , . ; (found '" + c + "' at " + i + ")";
            }
        }
        return null;
    }

    private static String checked(String wireName, ChannelType expected) {
        String problem = nameProblem(wireName);
        if (problem != null) {
            throw new IllegalArgumentException(wireName == null || wireName.isEmpty() ? problem : problem + ": " + wireName);
        }
        ChannelType actual = ChannelType.of(wireName);
        if (actual != expected) {
            throw new IllegalArgumentException(
                    "Channel name '" + wireName + "' is a " + actual + " name, not a " + expected + " one");
        }
        if (wireName.length() == expected.prefix().length()) {
            throw new IllegalArgumentException("Channel name '" + wireName + "' has a prefix and nothing else");
        }
        return wireName;
    }

    /** A public channel: anyone may subscribe. */
    record Public(String name) implements Channel {
        public Public {
            checked(name, ChannelType.PUBLIC);
        }
    }

    /** A private channel: subscribing needs the host application's signature. */
    record Private(String name) implements Channel {
        public Private {
            checked(name, ChannelType.PRIVATE);
        }
    }

    /** An encrypted private channel: the server relays ciphertext it cannot read. */
    record EncryptedPrivate(String name) implements Channel {
        public EncryptedPrivate {
            checked(name, ChannelType.ENCRYPTED_PRIVATE);
        }
    }

    /** A presence channel: subscribers are members, announced as they join and leave. */
    record Presence(String name) implements Channel {
        public Presence {
            checked(name, ChannelType.PRESENCE);
        }
    }
}
