package dev.broadcast.core.internal.text;

import java.net.URI;

/** URLs in messages and logs. */
public final class Urls {

    private Urls() {
    }

    /**
     * {@code url} without its user and password, which are secrets: {@code https://***@host/path}.
     * An {@code @} anywhere else may be a password that a {@code /} in it moved out of the
     * authority ({@code ftp://user:6379/secret@host} reads as the host {@code user}, the port 6379
     * and the path {@code /secret@host}): then only the scheme is shown, {@code ftp:***}.
     */
    public static String forMessages(URI url) {
        String text = url.toString();
        if (text.indexOf('@') < 0) {
            return text;
        }
        String authority = url.getRawAuthority();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        if (authority != null && authority.contains("@") && !path.contains("@")) {
            return url.getScheme() + "://***@" + authority.substring(authority.lastIndexOf('@') + 1) + path;
        }
        return (url.getScheme() == null ? "" : url.getScheme() + ":") + "***";
    }
}
