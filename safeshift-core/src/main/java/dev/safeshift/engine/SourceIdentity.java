package dev.safeshift.engine;

/**
 * Which server and database a migration's capture lives on. A capture recorded for one source is
 * never used on another: a plan whose source now points elsewhere (another server behind the same
 * name, a restored copy) is refused instead of streaming from a slot that is not this migration's.
 *
 * @param systemId the server's own identifier (PostgreSQL: the system identifier of IDENTIFY_SYSTEM)
 * @param database the database the capture reads
 */
public record SourceIdentity(String systemId, String database) {
}
