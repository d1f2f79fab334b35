package dev.broadcast.samples.dashboard;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Sign-in with a form and a session, as a real app's pages do. The page sends Spring Security's
 * CSRF token with its own POSTs and with Echo's channel authorization requests
 * ({@code /api/me} hands it over); pusher-js's own transport requests ({@code /app}, {@code /pusher})
 * and the signed HTTP API ({@code /apps}) carry no session and need none.
 */
@Configuration
public class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/app/**", "/apps/**", "/pusher/**", "/up").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/app/**", "/apps/**", "/pusher/**"))
                .build();
    }

    @Bean
    UserDetailsService users(Team team) {
        return new InMemoryUserDetailsManager(team.all().stream()
                .map(m -> User.withUsername(m.username()).password("{noop}demo").roles("USER").build())
                .toList());
    }
}
