# syntax=docker/dockerfile:1
# phasegate: the Slack bot and the step worker in one image. `docker run IMAGE` runs both (`all`);
# on Kubernetes the bot and the workers run as separate Deployments (`bot`, `worker`), see manifests/kubernetes.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The `prepare` script builds with tsc, but the sources are not copied yet: build explicitly below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# tini is PID 1: Node as PID 1 does not reap orphaned grandchildren (the local executor and the command
# deployer start Python and shell processes that may leave some), and tini forwards SIGTERM to phasegate,
# whose worker then finishes its current step before exiting.
# setpriv (util-linux) and perl (perl-base), both essential in Debian, run the guard that ends every command a
# worker starts when the worker dies (src/executors/process-guard.ts): the build fails if either is missing.
# git (with ca-certificates and openssh-client) is for deploy commands that commit to a Git repository. Debian has
# no helm package, and a pinned download needs a checksum that could not be verified where this image is built and
# tested, so the image carries none: docs/deploying.md (Helm) builds an image of your own with it, checksum-checked.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini git ca-certificates openssh-client \
  && rm -rf /var/lib/apt/lists/* \
  && command -v setpriv perl git
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY package.json package-lock.json ./
# Runtime dependencies only; --ignore-scripts because `prepare` would run tsc, a dev dependency.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The Django introspection helper: the compiled code finds it from the package root (package.json) at src/django/.
COPY src/django/*.py ./src/django/
RUN ln -s /app/bin/phasegate.js /usr/local/bin/phasegate
# The node image's unprivileged user, by number so Kubernetes' runAsNonRoot can verify it; /app is not writable.
USER 1000:1000
EXPOSE 3000
# bot and all answer /healthz on PORT; a worker on METRICS_PORT (set it when running `worker` alone).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const port = process.env.METRICS_PORT || process.env.PORT || 3000; fetch(`http://127.0.0.1:${port}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "phasegate"]
CMD ["all"]
