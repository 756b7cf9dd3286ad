package dev.mysqlsts.samples.spring;

import dev.mysqlsts.Backend;
import dev.mysqlsts.MySqlStatefulSet;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * What the team declares once: its service's tests run on one cluster shaped by its manifests, shared by every class
 * that carries this annotation, and so on one Spring context (the cluster's ports do not change between classes, so
 * Spring's context cache hits). LOCAL, because the fail-over tests use {@code promote}, which only LOCAL can do.
 * {@code keepSchemas} is not needed: the {@code shop} schema that Flyway creates when the context starts is kept for
 * the context's life; what a class's tests create besides is dropped after the class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@MySqlStatefulSet(manifests = "classpath:manifests/gtid-sidecar", backend = Backend.LOCAL, shared = true)
@SpringBootTest
public @interface OrdersServiceTest {
}
