package dev.broadcast.samples.dashboard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The agent dashboard: a board of tasks that agents work on, watched live by a team. The starter
 * mounts the Pusher endpoint and {@code /broadcasting/auth} into the app's Tomcat;
 * {@link ChannelsConfig} says who may listen where, {@link Board} keeps the state and broadcasts
 * every change, {@link DemoAgent} does slow work that streams, and {@code static/} holds the page.
 * Run it and open {@code http://localhost:8080} (sign in as ann, bob or eve, password {@code demo}).
 */
@SpringBootApplication
public class DashboardApplication {

    public static void main(String[] args) {
        SpringApplication.run(DashboardApplication.class, args);
    }
}
