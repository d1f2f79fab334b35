package dev.broadcast.samples.spring;

import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Who owns which order: a stand-in for the shop's database. */
@Component
public class Orders {

    private final Map<Long, Set<String>> owners = Map.of(1L, Set.of("alice", "bob"), 2L, Set.of("mallory"));

    public boolean isOwner(String user, long orderId) {
        return owners.getOrDefault(orderId, Set.of()).contains(user);
    }
}
