package dev.mysqlsts.local;

/**
 * One server option as the server reads it from its option files, includes resolved: {@code name} as written (a
 * prefix such as {@code loose-} kept), {@code value} null for an option given without one.
 */
record ConfigOption(String name, String value) {

    /** Parses one line of {@code my_print_defaults}: {@code --name=value} or {@code --name}. */
    static ConfigOption parse(String line) {
        String option = line.startsWith("--") ? line.substring(2) : line;
        int equals = option.indexOf('=');
        return equals < 0 ? new ConfigOption(option, null)
                : new ConfigOption(option.substring(0, equals), option.substring(equals + 1));
    }

    ConfigOption withValue(String newValue) {
        return new ConfigOption(name, newValue);
    }

    /**
     * The option as a line of an option file that gives the server exactly this value back: quoted, with the
     * escapes the option file reader ({@code mysys/my_default.c}) undoes, so that no {@code #}, quote or blank of the
     * value is read as a comment or trimmed.
     */
    String line() {
        if (value == null) {
            return name;
        }
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                .replace("\t", "\\t").replace("\r", "\\r") + "\"";
    }

    @Override
    public String toString() {
        return value == null ? name : name + "=" + value;
    }
}
