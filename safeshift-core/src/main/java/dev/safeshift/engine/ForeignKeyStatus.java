package dev.safeshift.engine;

import java.util.List;

/**
 * Where the moved tables' foreign keys stand on the target.
 *
 * @param notes           what the user should know: foreign keys left out, or not validated yet
 * @param notYetValidated foreign keys the source has validated that the target could not validate
 *                        yet (its rows do not satisfy them until the change stream has caught up)
 */
public record ForeignKeyStatus(List<String> notes, int notYetValidated) {

    public ForeignKeyStatus {
        notes = List.copyOf(notes);
    }
}
