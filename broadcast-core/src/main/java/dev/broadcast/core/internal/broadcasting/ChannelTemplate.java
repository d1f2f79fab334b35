package dev.broadcast.core.internal.broadcasting;

import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.internal.Template;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A channel-name template compiled for one class of source object: literal text and placeholders
 * such as {@code {task.projectId}} read from the source. The one place placeholders are checked
 * and read, for {@code @BroadcastOn} on an event class and for the notification channel on a user
 * class. A template without placeholders is one channel, made and checked when it is compiled.
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message starts with the
 * {@code where} the template was compiled with.
 */
final class ChannelTemplate {

    /** Accessors of the nested values dotted placeholders walk through, per runtime class. */
    private static final ClassValue<ConcurrentHashMap<String, Optional<Accessor>>> PROPERTIES = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Optional<Accessor>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private final String where;
    private final ChannelType type;
    private final List<Object> parts;
    private final Channel constant;

    private ChannelTemplate(String where, ChannelType type, List<Object> parts, Channel constant) {
        this.where = where;
        this.type = type;
        this.parts = parts;
        this.constant = constant;
    }

    /**
     * Parses {@code text} and checks its braces and placeholder paths, without a source class.
     *
     * @throws IllegalArgumentException naming {@code where}: unbalanced braces, an empty
     *         placeholder or an empty property name in a dotted path
     */
    static Template parse(String where, String text) {
        Template parsed;
        try {
            parsed = Template.parse(text);
        } catch (Template.Problem problem) {
            int at = problem.index();
            throw new IllegalArgumentException(where + ": " + switch (problem.fault()) {
                case STRAY_CLOSE -> "unbalanced '}' at index " + at;
                case UNCLOSED -> "unbalanced '{' at index " + at;
                case EMPTY -> "empty placeholder {} at index " + at;
            });
        }
        for (Template.Part part : parsed.parts()) {
            if (part instanceof Template.Placeholder p) {
                names(where, p.name());
            }
        }
        return parsed;
    }

    /**
     * Compiles {@code text} for sources of class {@code owner}: the first property of each
     * placeholder is looked up on {@code owner} now, the rest of a dotted path on the runtime class
     * of each value (cached per class).
     *
     * @throws IllegalArgumentException naming {@code where}, as {@link #parse}, or when
     *         {@code owner} has no property a placeholder starts with, or a template without
     *         placeholders is not a valid channel name
     */
    static ChannelTemplate compile(String where, String text, ChannelType type, Class<?> owner) {
        return compile(where, parse(where, text), type, owner);
    }

    /** {@link #compile(String, String, ChannelType, Class)} of a template {@link #parse parsed} already. */
    static ChannelTemplate compile(String where, Template parsed, ChannelType type, Class<?> owner) {
        List<Object> parts = new ArrayList<>();
        for (Template.Part part : parsed.parts()) {
            parts.add(part instanceof Template.Placeholder p
                    ? Placeholder.compile(owner, where, p.name()) : ((Template.Literal) part).text());
        }
        return of(where, type, parts);
    }

    /**
     * Compiles a template {@link #parse parsed} already for a source that is its own value (an id):
     * every placeholder reads as the source's {@code toString()}.
     *
     * @throws IllegalArgumentException naming {@code where} if it has no placeholder and is not a
     *         valid channel name
     */
    static ChannelTemplate identity(String where, Template parsed, ChannelType type) {
        List<Object> parts = new ArrayList<>();
        for (Template.Part part : parsed.parts()) {
            parts.add(part instanceof Template.Placeholder p ? new Placeholder(p.name(), null, List.of())
                    : ((Template.Literal) part).text());
        }
        return of(where, type, parts);
    }

    private static ChannelTemplate of(String where, ChannelType type, List<Object> parts) {
        boolean constant = parts.stream().noneMatch(Placeholder.class::isInstance);
        // a constant template is one literal (or none): the Template parser never puts two side by side
        return new ChannelTemplate(where, type, List.copyOf(parts),
                constant ? channel(where, type, parts.isEmpty() ? "" : (String) parts.get(0)) : null);
    }

    /**
     * The channel for {@code source}.
     *
     * @throws IllegalArgumentException naming {@code where} and the placeholder: a value is null
     *         (at the end of a path or in the middle), a property of a nested value does not exist or
     *         throws, or the name made is not a valid channel name
     */
    Channel resolve(Object source) {
        if (constant != null) {
            return constant;
        }
        StringBuilder name = new StringBuilder();
        for (Object part : parts) {
            name.append(part instanceof Placeholder p ? p.read(where, source) : part);
        }
        return channel(where, type, name.toString());
    }

    private static Channel channel(String where, ChannelType type, String baseName) {
        try {
            return switch (type) {
                case PUBLIC -> Channel.of(baseName);
                case PRIVATE -> Channel.privateChannel(baseName);
                case ENCRYPTED_PRIVATE -> Channel.encryptedPrivate(baseName);
                case PRESENCE -> Channel.presence(baseName);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " resolves to an invalid channel name: " + e.getMessage(), e);
        }
    }

    private static String[] names(String where, String path) {
        String[] names = path.split("\\.", -1);
        for (String name : names) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException(where + ": placeholder {" + path + "} has an empty property name");
            }
        }
        return names;
    }

    /**
     * A placeholder such as {@code {task.projectId}}: the first property is looked up on the
     * source class when compiled; the rest on the runtime class of each value, cached per class.
     * Without a first accessor the source itself is the value, whatever the path.
     */
    private record Placeholder(String path, Accessor first, List<String> rest) {

        static Placeholder compile(Class<?> owner, String where, String path) {
            String[] names = names(where, path);
            Accessor first = accessor(owner, names[0])
                    .orElseThrow(() -> new IllegalArgumentException(where + ": placeholder {" + path + "}: "
                            + noProperty(owner, names[0])));
            return new Placeholder(path, first, List.of(names).subList(1, names.length));
        }

        String read(String where, Object source) {
            if (first == null) {
                return source.toString();
            }
            Object value = first.read(where, path, source);
            String walked = first.name();
            for (String name : rest) {
                if (value == null) {
                    throw new IllegalArgumentException(where + ": placeholder {" + path + "} cannot be resolved: "
                            + walked + " is null");
                }
                Class<?> type = value.getClass();
                Accessor next = PROPERTIES.get(type).computeIfAbsent(name, n -> accessor(type, n))
                        .orElseThrow(() -> new IllegalArgumentException(where + ": placeholder {" + path + "}: "
                                + noProperty(type, name)));
                value = next.read(where, path, value);
                walked = walked + "." + name;
            }
            if (value == null) {
                throw new IllegalArgumentException(where + ": placeholder {" + path + "} is null");
            }
            return value.toString();
        }
    }

    private static String noProperty(Class<?> type, String name) {
        String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        return type.getName() + " has no property " + name + " (no record component, get" + capitalized
                + "(), is" + capitalized + "(), " + name + "() or public field " + name + ")";
    }

    /** Reads one property: a record component, a getter, a no-argument method or a public field. */
    private record Accessor(String name, Method method, Field field) {
        Object read(String where, String path, Object target) {
            try {
                return method != null ? method.invoke(target) : field.get(target);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException(where + ": reading placeholder {" + path + "} failed: "
                        + e.getCause(), e.getCause());
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalArgumentException(where + ": reading placeholder {" + path + "} failed: " + e, e);
            }
        }
    }

    private static Optional<Accessor> accessor(Class<?> type, String name) {
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().equals(name)) {
                    return Optional.of(new Accessor(name, accessible(component.getAccessor()), null));
                }
            }
        }
        String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : List.of("get" + capitalized, "is" + capitalized, name)) {
            Method method = publicMethod(type, candidate);
            if (method != null && (!candidate.startsWith("is") || candidate.equals(name)
                    || method.getReturnType() == boolean.class || method.getReturnType() == Boolean.class)) {
                return Optional.of(new Accessor(name, accessible(method), null));
            }
        }
        return Arrays.stream(type.getFields())
                .filter(f -> f.getName().equals(name) && !Modifier.isStatic(f.getModifiers()))
                .findFirst()
                .map(f -> new Accessor(name, null, accessible(f)));
    }

    private static Method publicMethod(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name);
            return Modifier.isStatic(method.getModifiers()) || method.getReturnType() == void.class ? null : method;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Public members of a non-public class (a nested record, say) need this to be invoked from here. */
    private static <T extends AccessibleObject> T accessible(T member) {
        member.trySetAccessible();
        return member;
    }
}
