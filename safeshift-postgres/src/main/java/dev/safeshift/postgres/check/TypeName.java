package dev.safeshift.postgres.check;

import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A type as a statement writes it (a {@code TYPENAME} node): its name parts, its modifiers and
 * whether it is an array. The grammar turns SQL's spelled-out types into catalog names
 * ({@code character varying(10)} becomes {@code pg_catalog.varchar} with modifier 10), while
 * names that are not keywords stay as written ({@code text}, {@code timestamptz}).
 */
record TypeName(List<String> names, List<Integer> modifiers, boolean array, boolean unknownModifiers) {

    private static final Set<String> SERIALS = Set.of("serial", "serial4", "bigserial", "serial8", "smallserial",
            "serial2");

    static TypeName of(PgNode typeName) {
        List<Integer> modifiers = new ArrayList<>();
        boolean unknown = false;
        for (PgNode modifier : typeName.nodes("typmods")) {
            Optional<Integer> value = modifier.is("A_CONST") ? modifier.text("val").flatMap(TypeName::integer)
                    : Optional.empty();
            if (value.isPresent()) {
                modifiers.add(value.get());
            } else {
                unknown = true;
            }
        }
        return new TypeName(typeName.texts("names"), modifiers, !typeName.list("arrayBounds").isEmpty(), unknown);
    }

    private static Optional<Integer> integer(String text) {
        try {
            return Optional.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The name of the built-in type this is, when it is one: {@code pg_catalog.int4} and the
     * unqualified {@code int4} alike, as pg_catalog comes first on every search path.
     */
    Optional<String> builtIn() {
        if (names.size() == 2 && names.get(0).equals("pg_catalog")) {
            return Optional.of(names.get(1));
        }
        return names.size() == 1 ? Optional.of(names.get(0)) : Optional.empty();
    }

    boolean is(String builtInName) {
        return !array && builtIn().map(builtInName::equals).orElse(false);
    }

    /** serial, bigserial and smallserial: not types but an integer column with a sequence default. */
    boolean serial() {
        return !array && names.size() == 1 && SERIALS.contains(names.get(0));
    }

    /**
     * The type modifier the server stores for this type written with these modifiers, for the
     * types whose modifiers the rules compare; empty when it cannot be worked out here.
     */
    Optional<Integer> typmod(String baseName) {
        if (unknownModifiers) {
            return Optional.empty();
        }
        if (modifiers.isEmpty()) {
            return Optional.of(switch (baseName) {
                case "bpchar" -> 5; // char means char(1)
                case "bit" -> 1;
                default -> -1;
            });
        }
        int first = modifiers.get(0);
        return switch (baseName) {
            case "varchar", "bpchar" -> modifiers.size() == 1 ? Optional.of(first + 4) : Optional.empty();
            case "numeric" -> modifiers.size() <= 2
                    ? Optional.of(((first << 16) | ((modifiers.size() == 2 ? modifiers.get(1) : 0) & 0x7ff)) + 4)
                    : Optional.empty();
            case "timestamp", "timestamptz", "time", "timetz", "bit", "varbit" ->
                    modifiers.size() == 1 ? Optional.of(first) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** The type as written, without the pg_catalog the grammar adds to built-in types: {@code varchar(20)}. */
    @Override
    public String toString() {
        String name = builtIn().orElse(String.join(".", names));
        if (!modifiers.isEmpty()) {
            name += "(" + String.join(",", modifiers.stream().map(String::valueOf).toList()) + ")";
        }
        return array ? name + "[]" : name;
    }
}
