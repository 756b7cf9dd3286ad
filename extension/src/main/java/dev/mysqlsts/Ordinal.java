package dev.mysqlsts;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects the pod ordinal of an injected {@link MySqlPod}, {@link java.sql.Connection} or
 * {@link javax.sql.DataSource}.
 *
 * <pre>{@code @Test void reads(@Ordinal(1) Connection follower) { ... }}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Ordinal {

    /** The pod ordinal, from 0 (the leader) to replicas - 1. */
    int value();
}
