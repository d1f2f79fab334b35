package dev.broadcast.samples.fakeonly;

import java.util.Set;

/** A signed-in user and the rooms they belong to. */
public record User(long id, String name, Set<Long> rooms) {
}
