package dev.broadcast.samples.dashboard;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.broadcast.samples.dashboard.BoardEvents.TaskUpdated;
import dev.broadcast.testing.FakeBroadcaster;
import dev.broadcast.testing.spring.FakeBroadcasterBean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

/** The page's HTTP API: who may call what, and what a bad request gets. */
@SpringBootTest
@AutoConfigureMockMvc
@DirtiesContext
class DashboardApiTest {

    @Autowired
    MockMvc mvc;

    @FakeBroadcasterBean
    FakeBroadcaster broadcaster;

    @Test
    void theBoardIsForItsTeam() throws Exception {
        mvc.perform(get("/api/board").with(user("ann"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.tasks.length()").value(6))
                .andExpect(jsonPath("$.spec.version").value(1));
        mvc.perform(get("/api/board").with(user("eve"))).andExpect(status().isForbidden());
        mvc.perform(get("/api/board")).andExpect(status().is3xxRedirection()); // to the sign-in page
    }

    @Test
    void meTellsThePageWhereToConnectAndItsCsrfToken() throws Exception {
        mvc.perform(get("/api/me").with(user("bob"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.user.name").value("Bob Stone"))
                .andExpect(jsonPath("$.realtime.key").value("dashboard-key"))
                .andExpect(jsonPath("$.csrf.header").value("X-CSRF-TOKEN"));
    }

    @Test
    void aMoveNeedsTheCsrfTokenAndAColumn() throws Exception {
        String body = "{\"column\":\"review\"}";
        mvc.perform(post("/api/tasks/2/move").with(user("ann")).contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/tasks/2/move").with(user("ann")).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"column\":\"archive\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.message").value("A card goes to one of the columns [todo, doing, review, done], not 'archive'"));
        mvc.perform(post("/api/tasks/99/move").with(user("ann")).with(csrf()).contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isNotFound());
        broadcaster.assertNothingDispatched();

        mvc.perform(post("/api/tasks/2/move").with(user("ann")).with(csrf()).header("X-Socket-ID", "1234.5678")
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.column").value("review"));
        broadcaster.assertDispatchedToOthers(TaskUpdated.class);
    }

    @Test
    void oneAgentPerTaskAndOnlyForTheTeam() throws Exception {
        mvc.perform(post("/api/tasks/4/run").with(user("eve")).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(post("/api/tasks/4/run").with(user("ann")).with(csrf())).andExpect(status().isAccepted());
        mvc.perform(post("/api/tasks/4/run").with(user("bob")).with(csrf())).andExpect(status().isConflict());
    }
}
