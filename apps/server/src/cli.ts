#!/usr/bin/env node
import { AppError } from "@custos/backend";
import { MigrationError } from "@custos/db";
import { Command, InvalidArgumentError, Option } from "commander";
import { ZodError } from "zod";
import {
  createKeyCommand,
  createOrgCommand,
  plansCommand,
  resetPasswordCommand,
  setPlanCommand,
} from "./commands/admin.ts";
import { startCommand } from "./commands/start.ts";
import { EnvError } from "./env.ts";

/** Exit codes scripts can rely on. */
const EXIT = { usage: 2, config: 3, database: 4, failure: 1 } as const;

const program = new Command()
  .exitOverride()
  .name("custos-server")
  .description("Custos self-hosted: embedded PostgreSQL, migrations, API and scheduler on one port")
  .showHelpAfterError();

program
  .command("start", { isDefault: true })
  .description("start the server (PORT, DATABASE_URL, CUSTOS_DATA_DIR)")
  .action(startCommand);

const admin = program.command("admin").description("headless administration");
admin
  .command("create-org")
  .description("create an organization and print its id")
  .requiredOption("--name <name>", "organization name")
  .option("--require-approval", "new servers wait for approval before their data is accepted")
  .option("--retention-days <days>", "raw sample retention in days (default 90)", (v) =>
    positiveInt(v, "--retention-days"),
  )
  .action(createOrgCommand);
admin
  .command("create-key")
  .description("create an API key and print it once")
  .requiredOption("--org <id>", "organization id")
  .addOption(
    new Option("--scope <scope>", "what the key may do").choices(["agent", "read"]).makeOptionMandatory(),
  )
  .option("--name <name>", "a label for the key")
  .option("--max-servers <n>", "an agent key for a fleet: registers at most n servers", (v) =>
    positiveInt(v, "--max-servers"),
  )
  .option(
    "--enroll-until <time>",
    "an agent key registers new servers only until this ISO 8601 time (e.g. 2027-01-31T00:00:00Z)",
  )
  .action(createKeyCommand);
admin
  .command("reset-password")
  .description("print a one-time password-reset link for a user (or set the password from stdin)")
  .requiredOption("--email <email>", "the user's email")
  .option("--password-stdin", "read the new password from standard input instead of printing a link")
  .action(resetPasswordCommand);
admin
  .command("set-plan")
  .description("put an organization on a plan (docs/plans.md); nothing is deleted by a downgrade")
  .requiredOption("--org <id or name>", "organization id, or its exact name")
  .requiredOption("--plan <plan id>", "a plan id from `custos-server admin plans`")
  .action(setPlanCommand);
admin
  .command("plans")
  .description("list the plans and their limits")
  .option("--json", "print JSON instead of a table")
  .action(plansCommand);

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer`);
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // exit explicitly with the reported code: a failed command must not end with status 0
  process.exit(report(error));
}

function report(error: unknown): number {
  const e = error as { code?: string; exitCode?: number };
  if (typeof e.code === "string" && e.code.startsWith("commander.")) {
    return e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : EXIT.usage;
  }
  if (error instanceof EnvError) {
    process.stderr.write(`custos-server: ${error.message}\n`);
    return EXIT.config;
  }
  if (error instanceof MigrationError) {
    process.stderr.write(`custos-server: ${error.message}\n`);
    return EXIT.database;
  }
  if (error instanceof ZodError) {
    const first = error.issues[0];
    process.stderr.write(
      `custos-server: ${first ? `${first.path.join(".") || "input"}: ${first.message}` : "invalid input"}\n`,
    );
    return EXIT.usage;
  }
  if (error instanceof AppError) {
    process.stderr.write(`custos-server: ${error.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`custos-server: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failure;
}
