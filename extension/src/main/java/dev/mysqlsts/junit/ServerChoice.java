package dev.mysqlsts.junit;

import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.backend.Settings;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which server a class's cluster runs ({@link MySqlStatefulSet#server()}): the property {@value Settings#SERVER}
 * over the annotation, except for {@code "{N}"}, argument N of the class's {@code @ParameterizedClass} invocation,
 * which a class that runs itself across versions chose for each of its invocations.
 */
final class ServerChoice {

    private static final Logger LOG = LoggerFactory.getLogger(ServerChoice.class);
    private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)}");
    private static final String PARAMETER_INFO = "org.junit.jupiter.params.ParameterInfo";

    private ServerChoice() {
    }

    /** Whether {@code annotated} names an argument of the class's {@code @ParameterizedClass} ({@code "{0}"}). */
    static boolean isClassArgument(String annotated) {
        return ARGUMENT.matcher(annotated.trim()).matches();
    }

    /** The settings the backend gets, {@value Settings#SERVER} set as the annotation and the property say. */
    static Settings apply(String annotated, ExtensionContext context, Settings settings) {
        Matcher argument = ARGUMENT.matcher(annotated.trim());
        if (!argument.matches()) {
            return annotated.isBlank() ? settings : settings.withDefault(Settings.SERVER, annotated.trim());
        }
        String server = classArgument(Integer.parseInt(argument.group(1)), annotated, context);
        settings.get(Settings.SERVER).ifPresent(property -> LOG.info("{}: server {} from its @ParameterizedClass "
                + "argument; property {}={} applies to classes that do not choose their versions themselves",
                context.getDisplayName(), server, Settings.SERVER, property));
        return settings.with(Settings.SERVER, server);
    }

    private static String classArgument(int index, String annotated, ExtensionContext context) {
        String where = "@MySqlStatefulSet(server = \"" + annotated + "\") on " + context.getRequiredTestClass().getName();
        if (!paramsOnClasspath()) {
            throw new ExtensionConfigurationException(where + " names an argument of @ParameterizedClass, but "
                    + "junit-jupiter-params is not on the test classpath; add org.junit.jupiter:junit-jupiter-params");
        }
        Optional<String> value = ClassArguments.get(context, index);
        return value.orElseThrow(() -> new ExtensionConfigurationException(where + " names argument " + index
                + " of a @ParameterizedClass invocation, but " + context.getDisplayName() + " is not one, or has no "
                + "argument " + index + ". Annotate the class with @ParameterizedClass and a source of versions, "
                + "for example @ValueSource(strings = {\"10.11\", \"11.4\"}), or give a version: server = \"11.4\"."));
    }

    private static boolean paramsOnClasspath() {
        try {
            Class.forName(PARAMETER_INFO, false, ServerChoice.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
