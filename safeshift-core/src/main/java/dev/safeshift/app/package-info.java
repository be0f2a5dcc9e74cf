/**
 * The verbs of a migration (run, verify, stop, abort, status) with their wiring and their rules.
 * Front ends, the command line and the demo, parse what they are given and show what they get back;
 * what may be done, and how the parts are put together for it, is decided here.
 */
package dev.safeshift.app;
