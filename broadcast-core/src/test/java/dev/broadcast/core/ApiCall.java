package dev.broadcast.core;

import dev.broadcast.core.transport.ApiRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a Pusher HTTP API request signed the way the server SDKs sign it: {@code auth_key},
 * {@code auth_timestamp}, {@code auth_version=1.0} and {@code body_md5} added; the string
 * {@code METHOD\npath\ncanonical-query} signed, where the canonical query is every parameter but
 * {@code auth_signature}, keys lowercased and sorted, values raw (not URL-encoded).
 */
final class ApiCall {

    private final String method;
    private final String path;
    private final String body;
    private final List<Map.Entry<String, String>> params = new ArrayList<>();
    private String key = Fixture.KEY;
    private String secret = Fixture.SECRET;
    private Long timestamp;

    private ApiCall(String method, String path, String body) {
        this.method = method;
        this.path = path;
        this.body = body;
    }

    static ApiCall post(String path, String body) {
        return new ApiCall("POST", path, body);
    }

    static ApiCall get(String path) {
        return new ApiCall("GET", path, "");
    }

    ApiCall param(String name, String value) {
        params.add(Map.entry(name, value));
        return this;
    }

    ApiCall key(String key) {
        this.key = key;
        return this;
    }

    ApiCall secret(String secret) {
        this.secret = secret;
        return this;
    }

    ApiCall timestamp(long epochSeconds) {
        this.timestamp = epochSeconds;
        return this;
    }

    /** Signed with the timestamp set, or {@code clockSeconds} when none was set. */
    ApiRequest signed(long clockSeconds) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        List<Map.Entry<String, String>> all = new ArrayList<>(params);
        all.add(Map.entry("auth_key", key));
        all.add(Map.entry("auth_timestamp", Long.toString(timestamp == null ? clockSeconds : timestamp)));
        all.add(Map.entry("auth_version", "1.0"));
        if (bodyBytes.length > 0) {
            all.add(Map.entry("body_md5", Crypto.md5Hex(bodyBytes)));
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        all.forEach(e -> sorted.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        StringBuilder canonical = new StringBuilder();
        sorted.forEach((k, v) -> canonical.append(canonical.length() == 0 ? "" : "&").append(k).append('=').append(v));
        String signature = Crypto.hmacHex(secret, method + "\n" + path + "\n" + canonical);
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> e : all) {
            query.append(encode(e.getKey())).append('=').append(encode(e.getValue())).append('&');
        }
        query.append("auth_signature=").append(signature);
        return new ApiRequest(method, path, query.toString(), bodyBytes);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
