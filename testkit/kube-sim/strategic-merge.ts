type Json = unknown;

/** Lists Kubernetes merges by a key field in a strategic-merge patch (the ones a Deployment template uses). */
const mergeKeys: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  ports: "containerPort",
};

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Applies a strategic-merge patch (maps merge, null deletes, keyed lists merge by their key, other lists replace). */
export function strategicMerge(target: Json, patch: Json, field = ""): Json {
  if (Array.isArray(patch)) {
    const key = mergeKeys[field];
    if (!key || !Array.isArray(target)) return structuredClone(patch);
    const merged = structuredClone(target) as Json[];
    for (const item of patch) {
      const index = merged.findIndex((m) => isObject(m) && isObject(item) && m[key] === item[key]);
      if (index >= 0) merged[index] = strategicMerge(merged[index], item);
      else merged.push(structuredClone(item));
    }
    return merged;
  }
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = strategicMerge(result[name], value, name);
  }
  return result;
}

/** RFC 7386 JSON merge patch: maps merge, null deletes, lists replace. */
export function jsonMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = jsonMergePatch(result[name], value);
  }
  return result;
}
