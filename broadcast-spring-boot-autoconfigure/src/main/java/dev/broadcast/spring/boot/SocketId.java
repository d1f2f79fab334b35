package dev.broadcast.spring.boot;

import dev.broadcast.jakarta.SocketIdHeader;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * A Spring MVC controller argument: the socket id in the request's {@code X-Socket-ID} header
 * (which laravel-echo adds to the page's own requests), or null when it is absent or malformed.
 * Hand it to {@code toOthers} so the sender's own connection is left out, as Laravel's
 * {@code broadcast(...)->toOthers()}:
 *
 * <pre>{@code
 * @PostMapping("/orders/{id}/ship")
 * void ship(@PathVariable long id, @SocketId String socketId) {
 *     broadcaster.toOthers(socketId).broadcast(new OrderShipped(id));
 * }
 * }</pre>
 *
 * <p>Outside controllers, {@link SocketIdHeader#socketIdOf(HttpServletRequest)} gives the same.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface SocketId {

    /** Resolves {@code @SocketId String} parameters; registered by the auto-configuration. */
    final class Resolver implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.hasParameterAnnotation(SocketId.class) && parameter.getParameterType() == String.class;
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                NativeWebRequest request, WebDataBinderFactory binderFactory) {
            HttpServletRequest servletRequest = request.getNativeRequest(HttpServletRequest.class);
            return servletRequest == null ? null : SocketIdHeader.socketIdOf(servletRequest);
        }
    }
}
