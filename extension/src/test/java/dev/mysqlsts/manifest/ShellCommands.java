package dev.mysqlsts.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The programs a bash script runs: the first word of every command (after newlines, {@code ;}, {@code &&},
 * {@code ||}, {@code |}, inside {@code $(...)}, backquotes and {@code (...)}), without bash's builtins and keywords,
 * variable assignments, {@code [[ ... ]]} operands, {@code case} patterns, arithmetic and here-document text.
 * A simple tokenizer for the scripts of pod templates, not a full shell grammar.
 */
final class ShellCommands {

    /** bash builtins and keywords that run no program (bash(1), SHELL BUILTIN COMMANDS). */
    static final Set<String> BUILTINS = Set.of(":", ".", "[", "alias", "break", "builtin", "cd", "command", "continue",
            "declare", "echo", "eval", "exec", "exit", "export", "false", "getopts", "hash", "kill", "let", "local",
            "mapfile", "printf", "pwd", "read", "readarray", "return", "set", "shift", "source", "test", "trap", "true",
            "type", "typeset", "ulimit", "umask", "unset", "wait");
    private static final Set<String> LEADING_KEYWORDS = Set.of("if", "then", "else", "elif", "do", "while", "until",
            "!", "{", "time", "exec", "command", "builtin");
    private static final Set<String> CLOSING_KEYWORDS = Set.of("fi", "done", "}");
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[[^]]*])?\\+?=.*", Pattern.DOTALL);
    private static final Pattern HEREDOC = Pattern.compile("<<-?\\s*['\"]?(\\w+)['\"]?");

    private final List<String> commands = new ArrayList<>();
    private final String text;
    private int pos;
    private final StringBuilder word = new StringBuilder();
    private boolean wordStarted;
    private boolean atCommandStart = true;
    private boolean inConditional;
    private boolean skipUntilDo;
    private CaseState caseState = CaseState.NONE;

    private enum CaseState { NONE, SUBJECT, IN, PATTERN }

    private ShellCommands(String text) {
        this.text = text;
    }

    /** The programs {@code script} runs, in order, builtins left out. */
    static List<String> programs(String script) {
        return new ShellCommands(withoutHeredocBodies(script)).scan();
    }

    private List<String> scan() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#' && !wordStarted) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '\\') {
                pos += 2;
                if (pos - 1 < text.length() && text.charAt(pos - 1) != '\n') {
                    wordStarted = true;
                }
            } else if (c == '\'') {
                pos = text.indexOf('\'', pos + 1) + 1;
                wordStarted = true;
                if (pos == 0) {
                    pos = text.length();
                }
            } else if (c == '"') {
                doubleQuoted();
            } else if (c == '`') {
                int end = text.indexOf('`', pos + 1);
                end = end < 0 ? text.length() : end;
                commands.addAll(programs(text.substring(pos + 1, end)));
                pos = end + 1;
                wordStarted = true;
            } else if (c == '$') {
                dollar();
            } else if (inConditional) {
                if (!wordStarted && text.startsWith("]]", pos)) {
                    inConditional = false;
                    atCommandStart = false;
                    pos++;
                } else if (Character.isWhitespace(c)) {
                    endWord();
                } else {
                    word.append(c);
                    wordStarted = true;
                }
                pos++;
            } else if (c == '(' && atCommandStart && !wordStarted && caseState != CaseState.PATTERN) {
                int end = matching(pos + 1, '(', ')');
                commands.addAll(programs(text.substring(pos + 1, end)));
                pos = end + 1;
            } else if (c == ')' && caseState == CaseState.PATTERN) {
                endWord();
                caseState = CaseState.IN;
                atCommandStart = true;
                pos++;
            } else if (";&|\n(){}".indexOf(c) >= 0) {
                endWord();
                if (c == ';' && pos + 1 < text.length() && text.charAt(pos + 1) == ';') {
                    caseState = CaseState.PATTERN;
                    pos++;
                }
                if (c != '}' && c != ')') {
                    atCommandStart = true;
                }
                pos++;
            } else if (Character.isWhitespace(c)) {
                endWord();
                pos++;
            } else if ((c == '>' || c == '<') && !wordStarted) {
                skipRedirection();
            } else {
                word.append(c);
                wordStarted = true;
                pos++;
            }
        }
        endWord();
        return commands;
    }

    private void doubleQuoted() {
        pos++;
        wordStarted = true;
        while (pos < text.length() && text.charAt(pos) != '"') {
            char c = text.charAt(pos);
            if (c == '\\') {
                pos += 2;
            } else if (c == '$') {
                boolean start = atCommandStart;
                atCommandStart = false;
                dollar();
                atCommandStart = start;
            } else if (c == '`') {
                int end = text.indexOf('`', pos + 1);
                end = end < 0 ? text.length() : end;
                commands.addAll(programs(text.substring(pos + 1, end)));
                pos = end + 1;
            } else {
                word.append(c);
                pos++;
            }
        }
        pos++;
    }

    /** {@code $((arithmetic))}, {@code ${parameter}}, {@code $(command)} or a plain {@code $name}. */
    private void dollar() {
        wordStarted = true;
        if (text.startsWith("$((", pos)) {
            pos = matching(pos + 2, '(', ')') + 1;
        } else if (text.startsWith("$(", pos)) {
            int end = matching(pos + 2, '(', ')');
            String inner = text.substring(pos + 2, end);
            if (!inner.strip().startsWith("<")) {
                commands.addAll(programs(inner));
            }
            pos = end + 1;
        } else if (text.startsWith("${", pos)) {
            pos = matching(pos + 2, '{', '}') + 1;
        } else {
            word.append('$');
            pos++;
        }
    }

    private void skipRedirection() {
        while (pos < text.length() && (text.charAt(pos) == '>' || text.charAt(pos) == '<' || text.charAt(pos) == '&')) {
            pos++;
        }
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos)) && text.charAt(pos) != '\n') {
            pos++;
        }
        int start = pos;
        while (pos < text.length() && !Character.isWhitespace(text.charAt(pos)) && ";&|".indexOf(text.charAt(pos)) < 0) {
            if (text.charAt(pos) == '$') {
                dollar();
            } else {
                pos++;
            }
        }
        if (start == pos) {
            pos++;
        }
        wordStarted = false;
        word.setLength(0);
    }

    /** The index of the {@code close} that ends the group opened just before {@code from}. */
    private int matching(int from, char open, char close) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                i = end < 0 ? text.length() : end;
            } else if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i;
            }
        }
        return text.length();
    }

    private void endWord() {
        if (!wordStarted) {
            return;
        }
        String w = word.toString();
        word.setLength(0);
        wordStarted = false;
        if (inConditional) {
            return;
        }
        if (skipUntilDo) {
            skipUntilDo = !w.equals("do");
            atCommandStart = !skipUntilDo;
            return;
        }
        switch (caseState) {
            case SUBJECT -> {
                caseState = CaseState.IN;
                return;
            }
            case IN -> {
                if (w.equals("in")) {
                    caseState = CaseState.PATTERN;
                    return;
                }
                if (w.equals("esac")) {
                    caseState = CaseState.NONE;
                    atCommandStart = false;
                    return;
                }
            }
            case PATTERN -> {
                if (w.equals("esac")) {
                    caseState = CaseState.NONE;
                    atCommandStart = false;
                }
                return;
            }
            default -> { }
        }
        if (!atCommandStart) {
            return;
        }
        if (w.equals("[[")) {
            inConditional = true;
            atCommandStart = false;
        } else if (w.equals("case")) {
            caseState = CaseState.SUBJECT;
            atCommandStart = false;
        } else if (w.equals("for") || w.equals("select")) {
            skipUntilDo = true;
        } else if (LEADING_KEYWORDS.contains(w) || ASSIGNMENT.matcher(w).matches()) {
            atCommandStart = true;
        } else if (CLOSING_KEYWORDS.contains(w)) {
            atCommandStart = false;
        } else {
            if (!BUILTINS.contains(w) && !w.isEmpty()) {
                commands.add(w);
            }
            atCommandStart = false;
        }
    }

    /** Here-document bodies are data; an unquoted one may hold {@code $(...)}, kept as {@code : "line"}. */
    static String withoutHeredocBodies(String script) {
        StringBuilder kept = new StringBuilder();
        String[] lines = script.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            kept.append(lines[i]).append('\n');
            var heredoc = HEREDOC.matcher(lines[i]);
            if (heredoc.find()) {
                boolean quoted = lines[i].substring(heredoc.start()).matches("<<-?\\s*['\"].*");
                String delimiter = heredoc.group(1);
                while (++i < lines.length && !lines[i].strip().equals(delimiter)) {
                    if (!quoted && lines[i].contains("$(")) {
                        kept.append(": \"").append(lines[i].replace("\"", "\\\"")).append("\"\n");
                    }
                }
            }
        }
        return kept.toString();
    }
}
