// A stand-in for the `helm` CLI, for tests: no helm can be had on this machine (Debian has no package; `helm` on
// npm is an unrelated library). It keeps each release's history as JSON in $HELM_STANDIN_DIR and "renders" a
// chart the way the tests' charts need: `{{ .Values.a.b }}` in templates/*.yaml replaced from values.yaml, the
// release's values and --set; each rendered Deployment's container images are then patched into the Kubernetes
// simulator ($HELM_STANDIN_KUBE_URL, bearer token in $HELM_STANDIN_KUBE_TOKEN_FILE), as `helm upgrade` without
// --wait would apply them. Commands: install, upgrade (--reuse-values, --set, -n), rollback, status -o json,
// history -o json. Output and errors are worded like helm 3's.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";

const [command, ...rest] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

function parseArgs(args) {
  const positional = [];
  const sets = [];
  const flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--set") sets.push(args[++i]);
    else if (arg === "-n" || arg === "--namespace") flags.namespace = args[++i];
    else if (arg === "-o" || arg === "--output") flags.output = args[++i];
    else if (arg === "--kube-context") flags.kubeContext = args[++i];
    else if (arg === "--reuse-values") flags.reuseValues = true;
    else if (arg === "--wait" || arg === "--atomic")
      fail(`the stand-in refuses ${arg}: phasegate watches the rollout`);
    else if (arg.startsWith("-")) fail(`unknown flag: ${arg}`);
    else positional.push(arg);
  }
  return { positional, sets, namespace: flags.namespace ?? "default", ...flags };
}

const stateDir = process.env.HELM_STANDIN_DIR;
if (!stateDir) fail("HELM_STANDIN_DIR is not set (the stand-in's release store)");

const historyFile = (namespace, release) => path.join(stateDir, namespace, `${release}.json`);

function history(namespace, release) {
  try {
    return JSON.parse(readFileSync(historyFile(namespace, release), "utf8"));
  } catch {
    return [];
  }
}

function save(namespace, release, revisions) {
  mkdirSync(path.join(stateDir, namespace), { recursive: true });
  writeFileSync(historyFile(namespace, release), JSON.stringify(revisions, null, 2));
}

function setPath(values, dotted, value) {
  const keys = dotted.split(".");
  let at = values;
  for (const key of keys.slice(0, -1)) {
    at[key] = typeof at[key] === "object" && at[key] !== null ? at[key] : {};
    at = at[key];
  }
  at[keys.at(-1)] = value;
}

function withSets(values, sets) {
  const merged = structuredClone(values);
  for (const set of sets) {
    const eq = set.indexOf("=");
    if (eq < 1) fail(`failed parsing --set data: key "${set}" has no value`);
    setPath(merged, set.slice(0, eq), set.slice(eq + 1));
  }
  return merged;
}

function readChart(chart) {
  let meta;
  try {
    meta = parseYaml(readFileSync(path.join(chart, "Chart.yaml"), "utf8"));
  } catch {
    fail(`path "${chart}" not found`);
  }
  const defaults = parseYaml(readFileSync(path.join(chart, "values.yaml"), "utf8")) ?? {};
  const templates = readdirSync(path.join(chart, "templates"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => readFileSync(path.join(chart, "templates", f), "utf8"));
  return { meta, defaults, templates };
}

const lookup = (values, dotted) => dotted.split(".").reduce((at, key) => at?.[key], values);

function deepMerge(base, over) {
  if (typeof base !== "object" || base === null || typeof over !== "object" || over === null) return over;
  const out = { ...base };
  for (const [key, value] of Object.entries(over))
    out[key] = key in base ? deepMerge(base[key], value) : value;
  return out;
}

function render(chart, values, release) {
  const all = deepMerge(chart.defaults, values);
  return chart.templates.flatMap((template) => {
    const text = template
      .replaceAll(/\{\{\s*\.Release\.Name\s*\}\}/g, release)
      .replaceAll(/\{\{\s*\.Values\.([\w.]+)\s*\}\}/g, (_, key) => {
        const value = lookup(all, key);
        if (value === undefined) fail(`template: ${key}: value is missing`);
        return String(value);
      });
    return parseAllDocuments(text).map((doc) => doc.toJSON());
  });
}

async function apply(objects, namespace) {
  const url = process.env.HELM_STANDIN_KUBE_URL;
  if (!url) fail("HELM_STANDIN_KUBE_URL is not set (the Kubernetes simulator)");
  const token = readFileSync(process.env.HELM_STANDIN_KUBE_TOKEN_FILE ?? "", "utf8").trim();
  for (const object of objects.filter((o) => o?.kind === "Deployment")) {
    const name = object.metadata.name;
    const containers = object.spec.template.spec.containers.map((c) => ({ name: c.name, image: c.image }));
    const response = await fetch(`${url}/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/strategic-merge-patch+json" },
      body: JSON.stringify({ spec: { template: { spec: { containers } } } }),
    });
    if (!response.ok) {
      const status = await response.json().catch(() => ({}));
      fail(
        `UPGRADE FAILED: cannot patch "${name}" with kind Deployment: ${status.message ?? response.status}`,
      );
    }
  }
}

function record(namespace, release, revisions, entry) {
  const now = new Date().toISOString();
  const previous = revisions.map((r) => (r.status === "deployed" ? { ...r, status: "superseded" } : r));
  const revision = revisions.length + 1;
  save(namespace, release, [...previous, { revision, updated: now, status: "deployed", ...entry }]);
  return { revision, now };
}

function announce(release, namespace, revision, now, first) {
  process.stdout.write(
    `${first ? "" : `Release "${release}" has been upgraded. Happy Helming!\n`}NAME: ${release}\nLAST DEPLOYED: ${now}\nNAMESPACE: ${namespace}\nSTATUS: deployed\nREVISION: ${revision}\nTEST SUITE: None\n`,
  );
}

async function upgrade(args, install) {
  const [release, chartPath] = args.positional;
  if (!release || !chartPath) fail(`"helm ${command}" requires 2 arguments`);
  const revisions = history(args.namespace, release);
  if (install && revisions.length > 0) fail("INSTALLATION FAILED: cannot re-use a name that is still in use");
  if (!install && !revisions.some((r) => r.status === "deployed"))
    fail(`UPGRADE FAILED: "${release}" has no deployed releases`);
  const chart = readChart(chartPath);
  const base = args.reuseValues ? (revisions.at(-1)?.values ?? {}) : {};
  const values = withSets(base, args.sets);
  await apply(render(chart, values, release), args.namespace);
  const { revision, now } = record(args.namespace, release, revisions, {
    chart: chartPath,
    chartMeta: chart.meta,
    values,
    description: install ? "Install complete" : "Upgrade complete",
  });
  announce(release, args.namespace, revision, now, install);
}

async function rollback(args) {
  const [release, wanted] = args.positional;
  const revisions = history(args.namespace, release);
  if (revisions.length === 0) fail(`release: not found`);
  const target = revisions.find((r) => String(r.revision) === wanted);
  if (!target) fail(`release: not found`);
  await apply(render(readChart(target.chart), target.values, release), args.namespace);
  record(args.namespace, release, revisions, {
    chart: target.chart,
    chartMeta: target.chartMeta,
    values: target.values,
    description: `Rollback to ${target.revision}`,
  });
  process.stdout.write("Rollback was a success! Happy Helming!\n");
}

function status(args) {
  const [release] = args.positional;
  const current = history(args.namespace, release).findLast((r) => r.status === "deployed");
  if (!current) fail("release: not found");
  if (args.output !== "json") fail("the stand-in answers `status` with -o json only");
  process.stdout.write(
    JSON.stringify({
      name: release,
      namespace: args.namespace,
      version: current.revision,
      info: { status: current.status, description: current.description, last_deployed: current.updated },
      chart: { metadata: current.chartMeta },
      config: current.values,
    }),
  );
}

function historyCommand(args) {
  const [release] = args.positional;
  const revisions = history(args.namespace, release);
  if (revisions.length === 0) fail("release: not found");
  process.stdout.write(
    JSON.stringify(
      revisions.map((r) => ({
        revision: r.revision,
        updated: r.updated,
        status: r.status,
        chart: `${r.chartMeta.name}-${r.chartMeta.version}`,
        app_version: r.chartMeta.appVersion,
        description: r.description,
      })),
    ),
  );
}

const args = parseArgs(rest);
switch (command) {
  case "install":
    await upgrade(args, true);
    break;
  case "upgrade":
    await upgrade(args, false);
    break;
  case "rollback":
    await rollback(args);
    break;
  case "status":
    status(args);
    break;
  case "history":
    historyCommand(args);
    break;
  default:
    fail(`unknown command "${command}" for "helm"`);
}
