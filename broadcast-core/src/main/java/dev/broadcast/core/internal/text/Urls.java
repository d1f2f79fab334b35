package dev.broadcast.core.internal.text;

import java.net.URI;

/** URLs in messages and logs. */
public final class Urls {

    private Urls() {
    }

    /** {@code url} without its user and password, which are secrets: {@code https://***@host/path}. */
    public static String forMessages(URI url) {
        String authority = url.getRawAuthority();
        if (authority == null || !authority.contains("@")) {
            return url.toString();
        }
        return url.getScheme() + "://***@" + authority.substring(authority.lastIndexOf('@') + 1)
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
