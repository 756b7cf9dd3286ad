package dev.mysqlsts.junit;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterInfo;

/**
 * The arguments of the current {@code @ParameterizedClass} invocation, through junit-jupiter-params' own
 * {@link ParameterInfo} (stored in the invocation's class-level context before its {@code beforeClassTemplateInvocation} callbacks).
 * Loaded only when junit-jupiter-params is on the classpath.
 */
final class ClassArguments {

    private ClassArguments() {
    }

    /** Argument {@code index} as text, or empty outside a parameterized class invocation or beyond its arguments. */
    static Optional<String> get(ExtensionContext context, int index) {
        ParameterInfo info = ParameterInfo.get(context);
        if (info == null || index >= info.getArguments().size()) {
            return Optional.empty();
        }
        return Optional.ofNullable(info.getArguments().get(index)).map(String::valueOf);
    }
}
