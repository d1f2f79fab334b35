package dev.broadcast.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The bus's Lua scripts: each is the shared {@code prelude.lua} followed by its own file, run by
 * digest and sent whole only when Redis does not have it (a restarted Redis forgets them).
 */
enum Scripts {
    COUNT, CONNECTIONS, JOIN, LEAVE, ROSTER, CACHE, CHANNELS, BEAT, RESTORE, WITHDRAW, WEBHOOKS;

    private static final String[] NO_KEYS = new String[0];

    private final String source;
    private final String digest;

    Scripts() {
        this.source = read("prelude.lua") + "\n" + read(name().toLowerCase(java.util.Locale.ROOT) + ".lua");
        try {
            this.digest = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the script with {@code args} (after the prefix and node id every script gets). */
    <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, ScriptOutputType type, String... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        redis.<T>evalsha(digest, type, NO_KEYS, args).whenComplete((value, failure) -> {
            if (failure instanceof RedisNoScriptException || failure != null && failure.getCause() instanceof RedisNoScriptException) {
                redis.<T>eval(source, type, NO_KEYS, args).whenComplete((v, f) -> {
                    if (f != null) {
                        result.completeExceptionally(f);
                    } else {
                        result.complete(v);
                    }
                });
            } else if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    private static String read(String file) {
        try (InputStream in = Scripts.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
