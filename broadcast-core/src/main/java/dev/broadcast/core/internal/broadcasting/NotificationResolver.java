package dev.broadcast.core.internal.broadcasting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.internal.Template;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Turns {@code notify(user, notification)} into a {@link ResolvedBroadcast} as Laravel's broadcast
 * notification channel would send it: {@link Broadcaster#NOTIFICATION_EVENT} on the user's private
 * channel, the notification's JSON object plus {@code id} and {@code type}. One per broadcaster:
 * its template is checked once when made, and compiled once per user class (a {@link ClassValue},
 * failures included) with the placeholder machinery of {@code @BroadcastOn}.
 */
public final class NotificationResolver {

    private final String template;
    private final Template parsed;
    private final ClassValue<Object> byUserClass = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return compileFor(type);
        }
    };

    private NotificationResolver(String template, Template parsed) {
        this.template = template;
        this.parsed = parsed;
    }

    /**
     * A resolver for the channel template {@code template}, the name without its {@code private-}
     * prefix, e.g. {@code App.Models.User.{id}}.
     *
     * @throws NullPointerException if {@code template} is null
     * @throws IllegalArgumentException if its braces do not balance, a placeholder or a property name
     *         in one is empty, it has no placeholder (every user would share one channel), it starts
     *         with {@code private-}, or it cannot make a valid channel name even with one-character
     *         values (a character channel names may not hold, or longer than 200 characters with
     *         {@code private-})
     */
    public static NotificationResolver compile(String template) {
        Objects.requireNonNull(template, "notificationChannel");
        String where = "notificationChannel(\"" + template + "\")";
        Template parsed = ChannelTemplate.parse(where, template);
        if (parsed.parts().stream().noneMatch(Template.Placeholder.class::isInstance)) {
            throw new IllegalArgumentException(where + " has no placeholder such as {id}: every user's notifications"
                    + " would go to the same channel");
        }
        if (template.startsWith(ChannelType.PRIVATE.prefix())) {
            throw new IllegalArgumentException(where + " starts with private-: give the name without its prefix,"
                    + " e.g. \"" + template.substring(ChannelType.PRIVATE.prefix().length()) + "\"");
        }
        StringBuilder shortest = new StringBuilder();
        for (Template.Part part : parsed.parts()) {
            shortest.append(part instanceof Template.Literal literal ? literal.text() : "0");
        }
        int length = ChannelType.PRIVATE.prefix().length() + shortest.length();
        if (length > Channel.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(where + " makes channel names longer than " + Channel.MAX_NAME_LENGTH
                    + " characters with private- even when each placeholder is one character (" + length + ")");
        }
        try {
            Channel.privateChannel(shortest.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " cannot make a valid channel name: " + e.getMessage(), e);
        }
        return new NotificationResolver(template, parsed);
    }

    /**
     * The private channel {@code user}'s notifications go to.
     *
     * @throws NullPointerException if {@code user} is null
     * @throws IllegalArgumentException if a placeholder cannot be read from {@code user} or is null,
     *         or the name made is not a valid channel name; the message names the template, the
     *         user's class and the property
     */
    public Channel channel(Object user) {
        Objects.requireNonNull(user, "user");
        Object compiled = byUserClass.get(user.getClass());
        if (compiled instanceof String refused) {
            throw new IllegalArgumentException(refused);
        }
        return ((ChannelTemplate) compiled).resolve(user);
    }

    /**
     * Resolves a notification to {@code user}, queued, leaving out {@code exceptSocketId} (null:
     * nobody).
     *
     * @throws NullPointerException if {@code user} or {@code notification} is null
     * @throws IllegalArgumentException as {@link #channel}, or if the notification cannot be
     *         serialized or does not serialize to a JSON object
     */
    public ResolvedBroadcast resolve(Object user, Object notification, String exceptSocketId) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(notification, "notification");
        Channel channel = channel(user);
        return new ResolvedBroadcast(notification, Broadcaster.NOTIFICATION_EVENT, List.of(channel),
                payload(notification), exceptSocketId, false);
    }

    /** The template compiled for users of {@code type}, or the message every such user is refused with. */
    private Object compileFor(Class<?> type) {
        String where = "notificationChannel(\"" + template + "\") for user " + type.getName();
        if (CharSequence.class.isAssignableFrom(type) || Number.class.isAssignableFrom(type) || type == UUID.class) {
            return ChannelTemplate.identity(where, parsed, ChannelType.PRIVATE);
        }
        try {
            return ChannelTemplate.compile(where, parsed, ChannelType.PRIVATE, type);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The notification's JSON object with {@code id} and {@code type} added where it has none. */
    private static String payload(Object notification) {
        String of = "notification " + notification.getClass().getName();
        JsonNode tree;
        try {
            tree = EventResolver.PAYLOADS.valueToTree(notification);
        } catch (IllegalArgumentException e) {
            String detail = e.getCause() instanceof JsonProcessingException cause ? cause.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("Cannot serialize the payload of " + of + " to JSON: " + detail, e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException("The " + of + " serializes to a JSON " + kind(tree)
                    + ", not an object: a notification is a record, a bean or a map whose members the user receives");
        }
        if (!object.hasNonNull("id")) {
            object.put("id", UUID.randomUUID().toString());
        }
        if (!object.hasNonNull("type")) {
            object.put("type", notification.getClass().getName());
        }
        try {
            return EventResolver.PAYLOADS.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }

    private static String kind(JsonNode tree) {
        return switch (tree.getNodeType()) {
            case ARRAY -> "array";
            case STRING, BINARY -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            default -> tree.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
