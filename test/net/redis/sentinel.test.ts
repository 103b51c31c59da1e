import { expect } from "vitest";
import { SENTINEL_NAME, startRedisSentinels } from "../../../testkit/redis-topologies/sentinel.js";
import { describeOnTopology } from "./topology-suite.js";

describeOnTopology("Redis Sentinel (1 primary, 1 replica, 3 sentinels)", startRedisSentinels, [
  {
    name: "SENTINEL FAILOVER",
    async trigger(group) {
      const before = await group.primary();
      const [sentinel] = group.sentinels;
      expect(await sentinel?.cli("sentinel", "failover", SENTINEL_NAME)).toBe("OK");
      const other = group.data.find((d) => d !== before);
      if (!other) throw new Error("no replica");
      await group.settledOn(other.port, true);
    },
  },
  {
    name: "SIGKILL of the primary",
    async trigger(group) {
      const before = await group.primary();
      await before.kill();
      const survivor = group.data.find((d) => d !== before);
      if (!survivor) throw new Error("no replica");
      await group.settledOn(survivor.port, false);
    },
  },
]);
