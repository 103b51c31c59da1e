/**
 * The layer rules of docs/architecture.md, checked on every `npm test`. A wrong-way import fails with the rule's
 * name; fix the import (move the type into src/ports/, or the wiring into src/wiring/), never the rule.
 */
const ADAPTERS = [
  "argocd",
  "django",
  "executors",
  "fleet",
  "gitops",
  "helm",
  "api",
  "hooks",
  "kubernetes",
  "metrics",
  "prometheus",
  "queue",
  "slack",
  "slack-emulator",
  "store",
];

module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment:
        "src/domain holds the rules: it imports nothing outside itself (no I/O, no adapters, no packages).",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { pathNot: ["^src/domain/"] },
    },
    {
      name: "ports-see-only-the-domain",
      comment: "src/ports holds interfaces over domain types.",
      severity: "error",
      from: { path: "^src/ports/" },
      to: { path: "^src/", pathNot: ["^src/domain/", "^src/ports/", "^src/config/"] },
    },
    {
      name: "app-uses-ports-not-adapters",
      comment:
        "Use cases import only the domain, the ports and the config; adapters reach them through src/wiring.",
      severity: "error",
      from: { path: "^src/app/" },
      to: { path: "^src/", pathNot: ["^src/app/", "^src/domain/", "^src/ports/", "^src/config/"] },
    },
    {
      name: "config-is-a-leaf",
      comment: "Config schemas and their checker import only the domain and each other.",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: "^src/", pathNot: ["^src/config/", "^src/domain/", "^src/ports/"] },
    },
    {
      name: "telemetry-is-a-leaf",
      comment: "The logger and the metrics registry are used by every adapter, so they use none.",
      severity: "error",
      from: { path: "^src/telemetry/" },
      to: { path: "^src/", pathNot: ["^src/telemetry/", "^src/domain/", "^src/ports/"] },
    },
    {
      name: "net-is-a-leaf",
      comment:
        "src/net holds the connections several adapters share (the Redis connection factory, HTTP proxy settings and agents), so it uses none of them.",
      severity: "error",
      from: { path: "^src/net/" },
      to: { path: "^src/", pathNot: ["^src/net/", "^src/domain/", "^src/ports/", "^src/telemetry/"] },
    },
    ...ADAPTERS.map((adapter) => ({
      name: `adapter-${adapter}-stands-alone`,
      comment: `src/${adapter} is an adapter: it imports the domain, ports, config, telemetry and net, never the use cases, the wiring or another adapter.`,
      severity: "error",
      from: { path: `^src/${adapter}/` },
      to: {
        path: "^src/",
        pathNot: [
          `^src/${adapter}/`,
          "^src/domain/",
          "^src/ports/",
          "^src/config/",
          "^src/telemetry/",
          "^src/net/",
        ],
      },
    })),
    {
      name: "sandbox-is-an-entry-point",
      comment:
        "src/sandbox composes everything (like src/wiring) for `phasegate sandbox`: only the CLI starts it.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/sandbox/", "^src/cli/"] },
      to: { path: "^src/sandbox/" },
    },
    {
      name: "sandbox-page-is-browser-code",
      comment: "src/sandbox/page runs in the browser: it imports only itself (no Node module, no package).",
      severity: "error",
      from: { path: "^src/sandbox/page/" },
      to: { pathNot: ["^src/sandbox/page/"] },
    },
    {
      name: "product-code-does-not-import-tests",
      severity: "error",
      from: { path: "^(src|workers)/" },
      to: { path: "^(test|testkit|bench|proof)/" },
    },
    {
      name: "bench-and-proof-do-not-import-tests",
      comment: "What they share with the tests lives in testkit/.",
      severity: "error",
      from: { path: "^(bench|proof|testkit)/" },
      to: { path: "^test/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
    exclude: { path: "^(node_modules|dist)/" },
  },
};
