/** The id of the run of `service` an answer names in bold ("Started *shop-mik29400-1* …", "Created *…*"). */
export function runIdIn(text: string, service: string): string {
  const id = new RegExp(`\\*(${service}-[0-9a-z]+-\\d+)\\*`).exec(text)?.[1];
  if (!id) throw new Error(`no run of ${service} in: ${text}`);
  return id;
}
