package dev.broadcast.samples.spring;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Three customers signing in with HTTP Basic. The Pusher endpoint, the HTTP API (signed with the
 * app secret) and the health checks are open; {@code /broadcasting/auth} and the controllers need
 * a user. CSRF protection is off because these clients send HTTP Basic credentials, not a
 * session cookie; a page signed in by session keeps it and passes the token through Echo's
 * {@code auth.headers} ({@code X-CSRF-TOKEN}, Spring Security's default header name).
 */
@Configuration
public class SecurityConfig {

    // tag::security[]
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/app/**", "/apps/**", "/pusher/**", "/up", "/actuator/health", "/actuator/prometheus")
                        .permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .build();
    }
    // end::security[]

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}alice-password").roles("CUSTOMER").build(),
                User.withUsername("bob").password("{noop}bob-password").roles("CUSTOMER").build(),
                User.withUsername("mallory").password("{noop}mallory-password").roles("CUSTOMER").build());
    }
}
