/**
 * The single executable's main script (bundled by sea/build.ts). Import order is evaluation
 * order: boot.ts installs the SQLite addon before src/main.ts parses the command line.
 */
import "./boot.ts";
import "../src/main.ts";
