import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.ts";
import { plugins } from "../src/plugins/registry.ts";

/**
 * Every plugin README's copy-paste config goes through the agent's real config loader (YAML,
 * ${ENV} substitution, common keys, the plugin's own schema), so a README cannot show a config
 * the agent would refuse.
 */
function sampleConfigs(type: string): string[] {
  return yamlSamples(readFileSync(new URL(`../src/plugins/${type}/README.md`, import.meta.url), "utf8"));
}

function yamlSamples(readme: string): string[] {
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? "")
    .filter((yaml) => /^monitors:/m.test(yaml));
}

describe("plugin READMEs", () => {
  it.each(Object.keys(plugins).sort())("%s: the sample agent.yaml is accepted by the agent", (type) => {
    const samples = sampleConfigs(type);
    expect(samples.length, `${type}/README.md has no agent.yaml sample with monitors:`).toBeGreaterThan(0);
    for (const yaml of samples) expectAccepted(`${type}/README.md`, yaml, type);
  });

  it("docs/app-metrics.md: every agent.yaml sample is accepted by the agent", () => {
    const samples = yamlSamples(
      readFileSync(new URL("../../../docs/app-metrics.md", import.meta.url), "utf8"),
    );
    expect(samples.length).toBeGreaterThan(1);
    for (const yaml of samples) expectAccepted("docs/app-metrics.md", yaml, "app_metrics");
  });

  it.each(Object.keys(plugins).sort())("%s: every .ts file its READMEs name exists", (type) => {
    const folder = new URL(`../src/plugins/${type}/`, import.meta.url);
    const repo = new URL("../../../", import.meta.url);
    for (const readme of ["README.md", "fixtures/README.md"]) {
      const url = new URL(readme, folder);
      if (!existsSync(url)) continue;
      for (const [, name = ""] of readFileSync(url, "utf8").matchAll(/`([\w./-]+\.ts)`/g)) {
        const file = new URL(name, name.startsWith("packages/") || name.startsWith("apps/") ? repo : folder);
        expect(existsSync(file), `${type}/${readme} names ${name}`).toBe(true);
      }
    }
  });
});

function expectAccepted(file: string, yaml: string, type: string): void {
  const full = /^api_key:/m.test(yaml)
    ? yaml
    : `api_key: cus_${"a".repeat(40)}\nurl: http://127.0.0.1:8080\n${yaml}`;
  // every ${VAR} the sample uses is set, as the user would set it
  const env = Object.fromEntries(
    [...full.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => [m[1], "postgres://u:p@h:5432/d"]),
  );
  const settings = parseConfig(file, full, { plugins, env });
  expect(settings.monitors.map((m) => m.type)).toContain(type);
}
