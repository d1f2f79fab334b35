package dev.broadcast.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signed requests to a target's Pusher HTTP API from Java (java.net.http). */
final class SignedApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;

    /** A client speaking plain HTTP/1.1, like the Pusher SDKs. */
    SignedApi(String host, int port) {
        this(host, port, HttpClient.Version.HTTP_1_1);
    }

    /**
     * A client of {@code version}; {@link HttpClient.Version#HTTP_2} (java.net.http's default) offers
     * an h2c upgrade on every plain-HTTP request.
     */
    SignedApi(String host, int port, HttpClient.Version version) {
        this.http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(2)).build();
        this.base = "http://" + host + ":" + port;
    }

    /** Over HTTPS to a target serving the certificate of {@link ConformanceTls}. */
    static SignedApi overTls(String host, int port) {
        return overTls(host, port, HttpClient.Version.HTTP_1_1);
    }

    /** {@link #overTls(String, int)} with a client of {@code version} (HTTP/2 is offered by ALPN). */
    static SignedApi overTls(String host, int port, HttpClient.Version version) {
        return new SignedApi(HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(2))
                .sslContext(ConformanceTls.sslContext()).build(), "https://" + host + ":" + port);
    }

    private SignedApi(HttpClient http, String base) {
        this.http = http;
        this.base = base;
    }

    /** {@code GET /apps/{id}{resource}} signed like the SDKs do; fails unless it answers 200. */
    JsonNode get(String resource) {
        return getPath("/apps/" + Target.APP_ID + resource);
    }

    /** {@code GET path}, signed (harmless for {@code /up}); fails unless it answers 200 within 5 s. */
    /** The server's count of open connections ({@code GET /connections}); -1 if it gives none. */
    int connections() {
        return get("/connections").path("connections").asInt(-1);
    }

    /** How many channels are occupied ({@code GET /channels}). */
    int channels() {
        return get("/channels").path("channels").size();
    }

    JsonNode getPath(String path) {
        String query = "auth_key=" + Target.APP_KEY + "&auth_timestamp=" + System.currentTimeMillis() / 1000
                + "&auth_version=1.0";
        String signature = hmac(Target.APP_SECRET, "GET\n" + path + "\n" + query);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path + "?" + query + "&auth_signature=" + signature))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return send("GET " + path, request);
    }

    /** {@code POST /apps/{id}/events} with a JSON body, signed with body_md5; fails unless it answers 200 within 5 s. */
    JsonNode trigger(String channel, String event, String data) {
        String path = "/apps/" + Target.APP_ID + "/events";
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("name", event, "channel", channel, "data", data));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String query = "auth_key=" + Target.APP_KEY + "&auth_timestamp=" + System.currentTimeMillis() / 1000
                + "&auth_version=1.0&body_md5=" + md5(body);
        String signature = hmac(Target.APP_SECRET, "POST\n" + path + "\n" + query);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path + "?" + query + "&auth_signature=" + signature))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send("POST " + path, request);
    }

    private JsonNode send(String what, HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(what + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
