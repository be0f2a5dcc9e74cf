package dev.safeshift.cli;

import picocli.CommandLine;

/** Prints the version recorded in the jar's manifest (or "development" when run from classes). */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"safeshift " + (version == null ? "development build" : version)};
    }
}
