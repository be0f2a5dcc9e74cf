package dev.safeshift.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Reads the migration files a plan's {@code change} names: one file, or a directory of Flyway
 * versioned migrations in version order. Every problem is a {@link PlanException} at the
 * {@code change} field that names the file and says what to do. The SQL is read, never interpreted.
 */
final class ChangeFiles {

    /**
     * A schema change is a few kilobytes of SQL; this is the plan file's own limit. A larger file is
     * more likely data to load than a change to review statement by statement.
     */
    static final int MAX_FILE_BYTES = PlanText.MAX_BYTES;
    /** All files of a directory together: room for hundreds of migrations, and still a bounded read. */
    static final long MAX_TOTAL_BYTES = 32L * 1024 * 1024;

    private static final String SUFFIX = ".sql";
    private static final String SEPARATOR = "__";

    private final Path planFile;
    private final Checked value;

    /** @param value the {@code change} field, a path as written in the plan */
    ChangeFiles(Path planFile, Checked value) {
        this.planFile = planFile;
        this.value = value;
    }

    /** The scripts at {@code resolved}, the path as written resolved against the plan file's directory. */
    List<ChangeScript> read(Path resolved) {
        BasicFileAttributes attributes = attributes(resolved, value.text());
        if (attributes.isDirectory()) {
            return directory(resolved);
        }
        String name = resolved.getFileName() == null ? "" : resolved.getFileName().toString();
        Optional<Migration> migration = Migration.parse(name);
        if (migration.isPresent() && migration.get().problem().isPresent()) {
            throw error(value.text() + " " + migration.get().problem().get() + ".");
        }
        if (migration.isPresent() && migration.get().kind() == Kind.UNDO) {
            throw error(value.text() + " is an undo migration (U), which reverses version "
                    + migration.get().version().getVersion() + "; a change only runs forward. Name the versioned "
                    + "migration (V" + migration.get().version().getVersion() + "__...) or a file of its own instead.");
        }
        boolean versioned = migration.isPresent() && migration.get().kind() == Kind.VERSIONED;
        String sql = text(resolved, value.text(), attributes);
        return List.of(new ChangeScript(value.text(),
                versioned ? Optional.of(migration.get().version().getVersion()) : Optional.empty(),
                migration.flatMap(Migration::description), sql, 1));
    }

    private List<ChangeScript> directory(Path directory) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(entries::add);
        } catch (AccessDeniedException e) {
            throw error("the directory " + value.text() + " cannot be read: permission denied.");
        } catch (IOException e) {
            throw error("the directory " + value.text() + " cannot be read: " + e.getMessage() + ".");
        }
        // Sorted, so that of several problems the same one is reported every time.
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        TreeMap<MigrationVersion, Path> versions = new TreeMap<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            String shown = origin(name);
            if (name.startsWith(".")) {
                continue; // .gitkeep, editor files: not migrations
            }
            if (Files.isDirectory(entry)) {
                throw error(value.text() + " holds the directory " + name + ", and Safeshift reads only the migrations "
                        + "directly in the directory that change: names (Flyway would read subdirectories too). Point "
                        + "change: at " + shown + ", or move its migrations up.");
            }
            if (!name.toLowerCase(Locale.ROOT).endsWith(SUFFIX)) {
                continue; // a README next to the migrations, as Flyway leaves it alone too
            }
            Migration migration = Migration.parse(name).orElseThrow(() -> error(shown + " does not follow Flyway's "
                    + "naming, V<version>__<description>.sql, so its place in the order is unknown. Rename it, for "
                    + "example to " + Migration.renamed(name) + ", or move it out of " + value.text() + "."));
            if (migration.problem().isPresent()) {
                throw error(shown + " " + migration.problem().get() + ".");
            }
            if (migration.kind() == Kind.REPEATABLE) {
                throw error(shown + " is a repeatable migration (R__), which Flyway runs again each time it changes; "
                        + "a change runs each file once, in version order. Rename it to a versioned migration, "
                        + "V<version>" + name.substring(1) + ", or move it out of " + value.text() + ".");
            }
            if (migration.kind() == Kind.UNDO) {
                throw error(shown + " is an undo migration (U), which reverses version "
                        + migration.version().getVersion() + "; a change only runs forward. Move it out of "
                        + value.text() + ".");
            }
            Path other = versions.putIfAbsent(migration.version(), entry);
            if (other != null) {
                throw error(origin(other.getFileName().toString()) + " and " + shown + " have the same version, "
                        + migration.version().getVersion() + ", so their order is unknown. Rename one of them to a "
                        + "version of its own.");
            }
        }
        if (versions.isEmpty()) {
            throw error("the directory " + value.text() + " holds no migration: no file named "
                    + "V<version>__<description>.sql, such as V7_1__add_amount_check.sql.");
        }
        List<ChangeScript> scripts = new ArrayList<>();
        long total = 0;
        for (Path file : versions.values()) {
            String name = file.getFileName().toString();
            String shown = origin(name);
            BasicFileAttributes attributes = attributes(file, shown);
            total += attributes.size();
            if (total > MAX_TOTAL_BYTES) {
                throw error("the migrations of " + value.text() + " up to " + name + " hold more than "
                        + MAX_TOTAL_BYTES / (1024 * 1024) + " MB of SQL, more than a change ever needs. Check that "
                        + "the directory holds only this change's migrations.");
            }
            Migration migration = Migration.parse(name).orElseThrow();
            scripts.add(new ChangeScript(shown, Optional.of(migration.version().getVersion()), migration.description(),
                    text(file, shown, attributes), 1));
        }
        return scripts;
    }

    private String origin(String name) {
        return Path.of(value.text()).resolve(name).toString();
    }

    private BasicFileAttributes attributes(Path path, String shown) {
        try {
            // Follows a symbolic link, whose target is what is read.
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw error("there is no file or directory at " + path.toAbsolutePath() + " (" + shown + "). A relative "
                    + "path is read from the plan file's directory.");
        } catch (AccessDeniedException e) {
            throw error(shown + " cannot be read: permission denied.");
        } catch (IOException e) {
            throw error(shown + " cannot be read: " + e.getMessage() + ".");
        }
    }

    private String text(Path file, String shown, BasicFileAttributes attributes) {
        if (!attributes.isRegularFile()) {
            // A named pipe could block the read for ever, so only regular files are opened.
            throw error(shown + " is not a regular file, so it is not read. Save the migration to a file.");
        }
        if (attributes.size() > MAX_FILE_BYTES) {
            throw tooLarge(shown, String.format(Locale.ROOT, "%.1f MB", attributes.size() / (1024.0 * 1024.0)));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // No further than the limit, so a file that grows while it is read cannot make the read endless.
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (AccessDeniedException e) {
            throw error(shown + " cannot be read: permission denied.");
        } catch (IOException e) {
            throw error(shown + " cannot be read: " + e.getMessage() + ".");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw tooLarge(shown, "more than " + MAX_FILE_BYTES / (1024 * 1024) + " MB");
        }
        String sql;
        try {
            sql = PlanText.decode(bytes);
        } catch (PlanText.NotUtf8 e) {
            throw error(shown + " is " + e.getMessage() + ". Save it as UTF-8.");
        }
        int nul = sql.indexOf('\0');
        if (nul >= 0) {
            throw error(shown + " holds a NUL character on line " + PlanText.Position.after(sql.substring(0, nul)).line()
                    + ", which SQL text never does. Check that this is the migration file.");
        }
        if (sql.isBlank()) {
            throw error(shown + " is empty. Write the SQL of the change in it, or leave it out of the change.");
        }
        return sql;
    }

    private PlanException tooLarge(String shown, String size) {
        return error(shown + " is " + size + ", and a migration file of a change is at most "
                + MAX_FILE_BYTES / (1024 * 1024) + " MB; a change is schema statements, not data. Check that this is "
                + "the migration file.");
    }

    private PlanException error(String detail) {
        return PlanException.at(planFile, value.mark(), value.path(), value.path() + ": " + detail, null, null);
    }

    /** The kinds of Flyway SQL migration, told by the letter before the version. */
    enum Kind { VERSIONED, UNDO, REPEATABLE }

    /**
     * A file name in Flyway's form, {@code V7_1__add_amount_check.sql}: the kind's letter, the version
     * (none for a repeatable one), {@code __}, the description with {@code _} for spaces, {@code .sql}.
     *
     * @param version     the version; {@link MigrationVersion#EMPTY} for a repeatable migration or a problem
     * @param problem     what is wrong with a name that is meant to be Flyway's, such as a version that is none,
     *                    in words that follow the file's name
     */
    record Migration(Kind kind, MigrationVersion version, Optional<String> description, Optional<String> problem) {

        /**
         * The migration a file name stands for; empty for a name that is not in Flyway's form at
         * all (no {@code __}, another suffix, or a letter Flyway does not know).
         */
        static Optional<Migration> parse(String name) {
            if (!name.endsWith(SUFFIX) || !name.contains(SEPARATOR)) {
                return Optional.empty();
            }
            String stem = name.substring(0, name.length() - SUFFIX.length());
            int separator = stem.indexOf(SEPARATOR);
            String prefix = stem.substring(0, separator);
            String words = stem.substring(separator + SEPARATOR.length()).replace('_', ' ').strip();
            Optional<String> description = words.isEmpty() ? Optional.empty() : Optional.of(words);
            if (prefix.equals("R")) {
                return Optional.of(new Migration(Kind.REPEATABLE, MigrationVersion.EMPTY, description, Optional.empty()));
            }
            Kind kind = prefix.startsWith("V") ? Kind.VERSIONED : prefix.startsWith("U") ? Kind.UNDO : null;
            if (kind == null) {
                return Optional.empty();
            }
            String version = prefix.substring(1);
            try {
                MigrationVersion parsed = MigrationVersion.fromVersion(version);
                // Flyway also reads words such as "latest" as versions of its own; a file never has one.
                if (!parsed.isPredefined()) {
                    return Optional.of(new Migration(kind, parsed, description, Optional.empty()));
                }
            } catch (FlywayException | NumberFormatException e) {
                // described below
            }
            String problem = version.isEmpty() ? "has no version between " + prefix + " and __"
                    : "has '" + shorten(version) + "' where the version goes, which is not one";
            return Optional.of(new Migration(kind, MigrationVersion.EMPTY, description, Optional.of(problem
                    + ": a version is numbers separated by . or _, such as 7 or 7_1. Rename it, for example to "
                    + prefix.charAt(0) + "7_1" + stem.substring(separator) + SUFFIX)));
        }

        /**
         * A name in Flyway's form for a file that is not: the same name with Flyway's capital letter
         * and lower-case suffix when that is all it lacks ({@code v7__x.SQL}), else the whole name as
         * the description of a version still to choose.
         */
        static String renamed(String name) {
            int dot = name.lastIndexOf('.');
            String stem = dot < 0 ? name : name.substring(0, dot);
            String respelled = stem.isEmpty() ? SUFFIX : Character.toUpperCase(stem.charAt(0)) + stem.substring(1) + SUFFIX;
            boolean fits = parse(respelled).filter(m -> m.kind() == Kind.VERSIONED && m.problem().isEmpty()).isPresent();
            return fits ? respelled : "V<version>__" + stem + SUFFIX;
        }

        private static String shorten(String text) {
            return text.length() > 40 ? text.substring(0, 37) + "..." : text;
        }
    }
}
