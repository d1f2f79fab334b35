/**
 * Spring Boot auto-configuration for broadcast: add {@code dev.broadcast:broadcast-spring-boot-starter}
 * beside {@code spring-boot-starter-web} and inject {@link dev.broadcast.Broadcaster}.
 *
 * <ul>
 *   <li>{@link BroadcastAutoConfiguration}: the app from {@link BroadcastProperties}
 *       ({@code broadcast.*}), the hub (driver {@code local}) and the {@code Broadcaster}
 *       (drivers {@code local}, {@code pusher}, {@code log}, {@code none}); the hub closes with 4200
 *       before the web server stops;</li>
 *   <li>{@link BroadcastServletAutoConfiguration}: the WebSocket endpoint, the HTTP API and
 *       {@code /up} in the embedded container; {@code /broadcasting/auth} and
 *       {@code /broadcasting/user-auth} when the application defines a
 *       {@link dev.broadcast.ChannelRoutes} bean; {@link SocketId @SocketId} for controllers;</li>
 *   <li>{@link BroadcastHealthAutoConfiguration} (Boot 3) and
 *       {@link BroadcastHealthContributorAutoConfiguration} (Boot 4): the Actuator
 *       {@code broadcast} health indicator;</li>
 *   <li>{@link BroadcastMetricsAutoConfiguration}: the hub's Micrometer meters.</li>
 * </ul>
 *
 * <p>Every bean backs off when the application defines its own of the same type.
 */
package dev.broadcast.spring.boot;
