package dev.broadcast.samples.quickstart;

import java.util.Set;

/** A signed-in user of the dashboard and the projects they belong to. */
public record User(long id, String name, Set<Long> projects) {

    public boolean memberOf(long projectId) {
        return projects.contains(projectId);
    }
}
