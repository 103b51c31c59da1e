import { fileURLToPath } from "node:url";
import { type ControlServer, startControlServer } from "../src/fleet/control-server.js";
import { Fleet } from "../src/fleet/fleet.js";
import type { ShopDatabase } from "../src/fleet/shop-database.js";
import { freePorts } from "../src/net/free-ports.js";
import type { Logger } from "../src/ports/logger.js";

/** examples/shop in this checkout: the replicas always run its code, whatever copy the migrations come from. */
export const shopDir = fileURLToPath(new URL("../examples/shop", import.meta.url));

export interface TrafficOptions {
  python: string;
  databaseUrl: string;
  replicas: number;
  /** Pause between two workload rounds of a replica. */
  pauseMs: number;
  /** How long a new replica runs before the next slot is replaced. */
  slotPauseMs: number;
  /** Traffic before the story starts and after it ends, so every schema meets traffic. */
  settleMs: number;
  logger: Logger;
}

/** What every scenario stands on: the shop's database, its replicas and the deploy endpoint driving them. */
export interface Stage {
  db: ShopDatabase;
  fleet: Fleet;
  control: ControlServer;
  options: TrafficOptions;
  close(): Promise<void>;
}

export async function openStage(options: TrafficOptions): Promise<Stage> {
  const fleet = new Fleet({
    replica: { python: options.python, shopDir, databaseUrl: options.databaseUrl, pauseMs: options.pauseMs },
    ports: await freePorts(options.replicas),
    slotPauseMs: options.slotPauseMs,
    logger: options.logger,
  });
  const control = await startControlServer(fleet);
  return {
    db: { python: options.python, projectDir: shopDir, databaseUrl: options.databaseUrl },
    fleet,
    control,
    options,
    async close() {
      fleet.kill();
      await control.close();
    },
  };
}
