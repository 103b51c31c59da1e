import { register } from "prom-client";

// Test files share their fork's modules (isolate: false in vitest.config.ts), so the default registry would carry
// one file's counts into the next: each file starts from zero, as it would in a process of its own.
register.resetMetrics();
