package dev.broadcast.core.internal.broadcasting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.broadcast.BroadcastException;
import dev.broadcast.BroadcastReceipt;
import dev.broadcast.Channel;
import dev.broadcast.ChannelType;
import dev.broadcast.core.driver.BroadcastDriver;
import dev.broadcast.core.driver.PartialFailure;
import dev.broadcast.core.driver.ResolvedBroadcast;
import dev.broadcast.core.internal.text.Urls;
import dev.broadcast.core.internal.wire.Json;
import dev.broadcast.core.internal.wire.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Sends through the Pusher HTTP API of any Pusher-compatible server: signed
 * {@code POST /apps/{id}/events}, more than 100 channels split over several requests, and runs of
 * single-channel broadcasts sent together with {@code batch_events}, at most 10 a request.
 */
public final class PusherDriver implements BroadcastDriver {

    /** Pusher's limits per request; every compatible server accepts at least these. */
    static final int MAX_CHANNELS = 100;
    static final int MAX_BATCH = 10;
    private static final int MAX_ERROR_BODY = 500;

    private final URI base;
    private final String appId;
    private final String key;
    private final String secret;
    private final InstantSource clock;
    private final HttpClient http;

    public PusherDriver(URI baseUrl, String appId, String key, String secret, InstantSource clock) {
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("The server URL must be http or https with a host: " + Urls.forMessages(baseUrl));
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("The server URL must have no query or fragment: " + Urls.forMessages(baseUrl));
        }
        for (String[] value : new String[][] {{"app id", appId}, {"key", key}, {"secret", secret}}) {
            if (value[1] == null || value[1].isBlank()) {
                throw new IllegalArgumentException("The " + value[0] + " must not be empty");
            }
        }
        if (!appId.matches("[A-Za-z0-9._~-]+")) {
            throw new IllegalArgumentException("The app id may only contain A-Z a-z 0-9 . _ ~ -: " + appId);
        }
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.base = URI.create(scheme + "://" + baseUrl.getRawAuthority() + path.replaceAll("/+$", ""));
        this.appId = appId;
        this.key = key;
        this.secret = secret;
        this.clock = clock;
        // HTTP/1.1: the JDK's default h2c upgrade offer is answered badly by some servers
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public BroadcastReceipt send(ResolvedBroadcast broadcast) {
        refuseEncrypted(broadcast);
        List<String> names = broadcast.channelNames();
        for (int from = 0; from < names.size(); from += MAX_CHANNELS) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + MAX_CHANNELS));
            ObjectNode body = event(broadcast);
            ArrayNode channels = body.putArray("channels");
            chunk.forEach(channels::add);
            String what = "event " + broadcast.name();
            if (names.size() > MAX_CHANNELS) {
                what += " (channels " + (from + 1) + " to " + (from + chunk.size()) + " of " + names.size() + ")";
            }
            post("events", body, what);
        }
        return receipt(broadcast);
    }

    /** Consecutive single-channel broadcasts go out as one {@code batch_events}; order is kept. */
    @Override
    public List<BroadcastReceipt> sendAll(List<ResolvedBroadcast> broadcasts) {
        List<Object> outcomes = new ArrayList<>(broadcasts.size());
        boolean failed = false;
        int i = 0;
        while (i < broadcasts.size()) {
            int end = i;
            while (end < broadcasts.size() && end - i < MAX_BATCH && batchable(broadcasts.get(end))) {
                end++;
            }
            if (end - i < 2) {
                end = i + 1;
            }
            List<ResolvedBroadcast> run = broadcasts.subList(i, end);
            try {
                if (run.size() == 1) {
                    outcomes.add(send(run.get(0)));
                } else {
                    batch(run);
                    run.forEach(b -> outcomes.add(receipt(b)));
                }
            } catch (RuntimeException e) {
                run.forEach(b -> outcomes.add(e));
                failed = true;
            }
            i = end;
        }
        if (failed) {
            throw new PartialFailure(outcomes);
        }
        return outcomes.stream().map(BroadcastReceipt.class::cast).toList();
    }

    private static boolean batchable(ResolvedBroadcast broadcast) {
        return broadcast.channels().size() == 1 && broadcast.channels().get(0).type() != ChannelType.ENCRYPTED_PRIVATE;
    }

    private void batch(List<ResolvedBroadcast> run) {
        ObjectNode body = Json.object();
        ArrayNode batch = body.putArray("batch");
        for (ResolvedBroadcast broadcast : run) {
            ObjectNode item = event(broadcast);
            item.put("channel", broadcast.channels().get(0).name());
            batch.add(item);
        }
        post("batch_events", body, "batch of " + run.size() + " events (" + run.get(0).name() + ", …)");
    }

    private static ObjectNode event(ResolvedBroadcast broadcast) {
        ObjectNode node = Json.object().put("name", broadcast.name()).put("data", broadcast.payloadJson());
        if (broadcast.exceptSocketId() != null) {
            node.put("socket_id", broadcast.exceptSocketId());
        }
        return node;
    }

    private static BroadcastReceipt receipt(ResolvedBroadcast broadcast) {
        return new BroadcastReceipt(broadcast.name(), broadcast.channels(), OptionalInt.empty());
    }

    private static void refuseEncrypted(ResolvedBroadcast broadcast) {
        for (Channel channel : broadcast.channels()) {
            if (channel.type() == ChannelType.ENCRYPTED_PRIVATE) {
                throw new BroadcastException("The pusher driver cannot encrypt: event " + broadcast.name()
                        + " is for the encrypted channel " + channel.name() + ", whose payload must be encrypted"
                        + " with the app's encryption master key, which this driver does not have");
            }
        }
    }

    /** A signed POST to {@code /apps/{id}/{resource}}; anything but 200 is a BroadcastException. */
    private void post(String resource, ObjectNode json, String what) {
        byte[] body = Json.write(json).getBytes(StandardCharsets.UTF_8);
        String resourcePath = "/apps/" + appId + "/" + resource;
        String rest = "&auth_timestamp=" + clock.instant().getEpochSecond() + "&auth_version=1.0&body_md5="
                + Signatures.md5Hex(body);
        // signed: the decoded path and the parameters sorted and unencoded, as the server rebuilds them
        String signature = Signatures.hmacHex(secret,
                "POST\n" + base.getPath() + resourcePath + "\nauth_key=" + key + rest);
        URI target = URI.create(base + resourcePath);
        String query = "auth_key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + rest + "&auth_signature=" + signature;
        HttpRequest request = HttpRequest.newBuilder(URI.create(target + "?" + query))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BroadcastException("POST " + target + " for " + what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BroadcastException("Interrupted while sending " + what + " to " + target, e);
        }
        if (response.statusCode() != 200) {
            String answer = response.body();
            if (answer.length() > MAX_ERROR_BODY) {
                answer = answer.substring(0, MAX_ERROR_BODY) + "…";
            }
            throw new BroadcastException("POST " + target + " for " + what + " answered " + response.statusCode()
                    + ": " + answer);
        }
    }
}
