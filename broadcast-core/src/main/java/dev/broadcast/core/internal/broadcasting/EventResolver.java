package dev.broadcast.core.internal.broadcasting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.broadcast.BroadcastAs;
import dev.broadcast.BroadcastNow;
import dev.broadcast.BroadcastOn;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.ShouldBroadcast;
import dev.broadcast.ShouldBroadcastNow;
import dev.broadcast.core.config.Limits;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.wire.TriggerLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns event objects into {@link ResolvedBroadcast}s: name, channels and payload JSON, every check
 * made before anything is sent. What reflection finds about a class (is it a
 * {@link ShouldBroadcast}, its annotations, its {@link ChannelTemplate}s with their property
 * accessors) is worked out once per class and kept in a {@link ClassValue}, failures included.
 */
public final class EventResolver {

    private static final String ANONYMOUS = "an anonymous broadcast";

    /**
     * Payloads: records, beans, maps; Java time types as ISO-8601 strings. A payload turned into a
     * tree first (a notification's) keeps its decimals as written ({@code 12.50}, not {@code 12.5}).
     */
    static final ObjectMapper PAYLOADS = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final LongAdder INSPECTIONS = new LongAdder();

    private static final ClassValue<Descriptor> DESCRIPTORS = new ClassValue<>() {
        @Override
        protected Descriptor computeValue(Class<?> type) {
            INSPECTIONS.increment();
            return inspect(type);
        }
    };

    private EventResolver() {
    }

    /** How many classes were inspected so far; tests read it to prove each class is inspected once. */
    public static long inspections() {
        return INSPECTIONS.sum();
    }

    /**
     * What an event resolves to: a broadcast to send, or, when its {@code broadcastWhen()} is
     * false, the receipt (no channels, no connections) to complete with at once.
     */
    public record Resolution(ResolvedBroadcast broadcast, BroadcastReceipt skipped) {
    }

    /**
     * Resolves an event object.
     *
     * @throws IllegalArgumentException if the event cannot be broadcast; the message names its class
     */
    public static Resolution resolve(Object event, String exceptSocketId) {
        if (event == null) {
            throw new NullPointerException("event");
        }
        return DESCRIPTORS.get(event.getClass()).resolve(event, exceptSocketId);
    }

    /**
     * Resolves an anonymous broadcast ({@code on(channels).as(name).with(payload)}).
     *
     * @throws IllegalStateException if no name was given
     * @throws IllegalArgumentException if the name, a channel or the payload is not acceptable
     */
    public static ResolvedBroadcast anonymous(Collection<? extends Channel> channels, String name, Object payload,
            String exceptSocketId, boolean now) {
        if (name == null) {
            throw new IllegalStateException("An anonymous broadcast needs an event name: call as(name) before sending");
        }
        checkName(name, ANONYMOUS);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("An anonymous broadcast needs at least one channel");
        }
        List<Channel> list = new ArrayList<>(channels);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new IllegalArgumentException("The channels of an anonymous broadcast contain null (at index " + i + ")");
            }
        }
        String json = payload == null ? "{}" : json(payload, ANONYMOUS + " '" + name + "'");
        return new ResolvedBroadcast(null, name, list, json, exceptSocketId, now);
    }

    // --- per-class descriptors ---

    /** What one class resolves to; made once per class. */
    private interface Descriptor {
        Resolution resolve(Object event, String exceptSocketId);
    }

    /** A class that cannot be broadcast: every attempt fails with the same message. */
    private record Refused(String message) implements Descriptor {
        @Override
        public Resolution resolve(Object event, String exceptSocketId) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A {@link ShouldBroadcast}: its methods are called for each event. */
    private record Implemented(Class<?> type, String fixedName, boolean now) implements Descriptor {
        @Override
        public Resolution resolve(Object event, String exceptSocketId) {
            ShouldBroadcast e = (ShouldBroadcast) event;
            String name = fixedName != null ? fixedName : checkName(e.broadcastAs(), type.getName());
            if (!e.broadcastWhen()) {
                return new Resolution(null, new BroadcastReceipt(name, List.of(), OptionalInt.of(0)));
            }
            List<Channel> channels = e.broadcastOn();
            if (channels == null) {
                throw new IllegalArgumentException("broadcastOn() of " + type.getName() + " returned null");
            }
            if (channels.isEmpty()) {
                throw new IllegalArgumentException("broadcastOn() of " + type.getName()
                        + " returned no channel; an event needs at least one");
            }
            List<Channel> copy = new ArrayList<>(channels);
            for (int i = 0; i < copy.size(); i++) {
                if (copy.get(i) == null) {
                    throw new IllegalArgumentException("broadcastOn() of " + type.getName()
                            + " returned a null channel (at index " + i + ")");
                }
            }
            Object payload = e.broadcastWith();
            if (payload == null) {
                throw new IllegalArgumentException("broadcastWith() of " + type.getName() + " returned null");
            }
            return new Resolution(new ResolvedBroadcast(event, name, copy,
                    json(payload, type.getName()), exceptSocketId, now), null);
        }
    }

    /** A class annotated with {@link BroadcastOn}: compiled templates, the event itself as payload. */
    private record Annotated(Class<?> type, String name, List<ChannelTemplate> templates, boolean now) implements Descriptor {
        @Override
        public Resolution resolve(Object event, String exceptSocketId) {
            List<Channel> channels = new ArrayList<>(templates.size());
            for (ChannelTemplate template : templates) {
                channels.add(template.resolve(event));
            }
            return new Resolution(new ResolvedBroadcast(event, name, channels,
                    json(event, type.getName()), exceptSocketId, now), null);
        }
    }

    private static Descriptor inspect(Class<?> type) {
        boolean now = type.isAnnotationPresent(BroadcastNow.class) || ShouldBroadcastNow.class.isAssignableFrom(type);
        BroadcastAs as = type.getAnnotation(BroadcastAs.class);
        try {
            if (ShouldBroadcast.class.isAssignableFrom(type)) {
                boolean overridden = type.getMethod("broadcastAs").getDeclaringClass() != ShouldBroadcast.class;
                String fixedName = as != null && !overridden ? checkName(as.value(), type.getName()) : null;
                return new Implemented(type, fixedName, now);
            }
            BroadcastOn[] on = type.getAnnotationsByType(BroadcastOn.class);
            if (on.length == 0) {
                return new Refused("Cannot broadcast " + type.getName() + ": it neither implements "
                        + ShouldBroadcast.class.getName() + " nor is annotated with @" + BroadcastOn.class.getName());
            }
            String name = checkName(as != null ? as.value() : type.getSimpleName(), type.getName());
            List<ChannelTemplate> templates = new ArrayList<>(on.length);
            for (BroadcastOn annotation : on) {
                templates.add(ChannelTemplate.compile("@BroadcastOn(\"" + annotation.value() + "\") on " + type.getName(),
                        annotation.value(), annotation.type(), type));
            }
            return new Annotated(type, name, List.copyOf(templates), now);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("ShouldBroadcast without broadcastAs()", e);
        }
    }

    /**
     * Checks the event name of a throttled buffer as an anonymous broadcast's.
     *
     * @throws IllegalArgumentException if it is null, empty or longer than 200 characters
     */
    public static String checkBufferEventName(String name) {
        return checkName(name, "a buffer");
    }

    /**
     * Serializes a payload as every broadcast's is (Jackson, ISO-8601 time types).
     *
     * @throws IllegalArgumentException if Jackson cannot write it; the message names {@code of}
     */
    public static String payloadJson(Object payload, String of) {
        return json(payload, of);
    }

    /** An event name within Pusher's limit ({@link Limits#DEFAULTS}); an app's own limit is checked when sent. */
    private static String checkName(String name, String of) {
        String problem = TriggerLimits.eventName(name, Limits.DEFAULTS.maxEventNameLength());
        if (problem != null) {
            throw new IllegalArgumentException("The event name of " + of + " " + problem);
        }
        return name;
    }

    private static String json(Object payload, String of) {
        try {
            return PAYLOADS.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialize the payload of " + of + " to JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
