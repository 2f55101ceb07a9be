package io.concordkv.cli;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.Compare;
import io.concordkv.client.Op;
import io.concordkv.client.Txn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads etcdctl's {@code txn} input: compares, a blank line, the success operations, a blank line,
 * the failure operations (each section may be empty; input may end early).
 *
 * <p>Compares are {@code target("key") op "value"} with target {@code value|val|version|ver|
 * create|c|mod|m|lease} and op {@code = != < >}; numbers may be quoted or not. Operations are
 * {@code put KEY VALUE}, {@code get KEY [RANGE_END]}, {@code del KEY [RANGE_END]}, words split on
 * blanks with double quotes grouping (backslash escapes inside quotes).
 */
final class TxnScript {
    private static final Pattern COMPARE = Pattern.compile(
        "^\\s*(\\w+)\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)\\s*(=|==|!=|<|>)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)\\s*$");

    private TxnScript() {
    }

    /** The transaction the lines describe. */
    static Txn parse(List<String> lines) {
        List<List<String>> sections = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        int section = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                section++;
                if (section > 2) {
                    break;
                }
            } else {
                sections.get(section).add(line);
            }
        }
        List<Compare> compares = sections.get(0).stream().map(TxnScript::compare).toList();
        return new Txn(compares, sections.get(1).stream().map(TxnScript::op).toList(),
            sections.get(2).stream().map(TxnScript::op).toList());
    }

    static Compare compare(String line) {
        Matcher m = COMPARE.matcher(line);
        if (!m.matches()) {
            throw invalid("bad compare: " + line);
        }
        Bytes key = Bytes.utf8(unescape(m.group(2)));
        Compare.Operator op = switch (m.group(3)) {
            case "=", "==" -> Compare.Operator.EQUAL;
            case "!=" -> Compare.Operator.NOT_EQUAL;
            case "<" -> Compare.Operator.LESS;
            default -> Compare.Operator.GREATER;
        };
        String raw = m.group(4);
        String operand = raw.startsWith("\"") ? unescape(raw.substring(1, raw.length() - 1)) : raw;
        return switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "value", "val" -> Compare.value(key, op, Bytes.utf8(operand));
            case "version", "ver" -> Compare.version(key, op, number(operand, line));
            case "create", "c" -> Compare.createRevision(key, op, number(operand, line));
            case "mod", "m" -> Compare.modRevision(key, op, number(operand, line));
            case "lease" -> Compare.lease(key, op, KvCommands.hex(operand));
            default -> throw invalid("bad compare target in: " + line);
        };
    }

    static Op op(String line) {
        List<String> words = words(line);
        if (words.isEmpty()) {
            throw invalid("empty operation");
        }
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        if (verb.equals("put") && words.size() == 3) {
            return Op.put(Bytes.utf8(words.get(1)), Bytes.utf8(words.get(2)));
        } else if (verb.equals("get") && (words.size() == 2 || words.size() == 3)) {
            return Op.range(Bytes.utf8(words.get(1)), words.size() == 3 ? Bytes.utf8(words.get(2)) : Bytes.EMPTY);
        } else if ((verb.equals("del") || verb.equals("delete")) && (words.size() == 2 || words.size() == 3)) {
            return Op.deleteRange(Bytes.utf8(words.get(1)),
                words.size() == 3 ? Bytes.utf8(words.get(2)) : Bytes.EMPTY);
        }
        throw invalid("bad operation (want put KEY VALUE, get KEY [END], del KEY [END]): " + line);
    }

    /** Splits on blanks; double quotes group words and may contain backslash escapes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quoted) {
            throw invalid("unterminated quote: " + line);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static String unescape(String s) {
        return s.replaceAll("\\\\(.)", "$1");
    }

    private static long number(String s, String line) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw invalid("not a number in: " + line);
        }
    }

    private static KvException invalid(String message) {
        return new KvException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
