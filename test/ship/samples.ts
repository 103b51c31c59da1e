import { register } from "prom-client";

/** The value of one sample of the default registry, found by sample name (a histogram's `_sum`…) and labels. */
export async function sample(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metricName = name.replace(/_(sum|count|bucket)$/, "");
  const metric = register.getSingleMetric(metricName) ?? register.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  const found = values.find(
    (v) =>
      (("metricName" in v ? v.metricName : undefined) ?? metricName) === name &&
      Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value),
  );
  return found?.value;
}
