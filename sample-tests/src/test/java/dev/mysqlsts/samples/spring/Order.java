package dev.mysqlsts.samples.spring;

import java.math.BigDecimal;

/** An order of the sample service. */
public record Order(long id, String customer, BigDecimal amount) {
}
