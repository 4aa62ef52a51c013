# One image for every Procfile process (release, web, worker, bot): the command picks the
# process, as in compose.yaml. Build: docker build -t flywheel .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY queues ./queues
COPY workers ./workers
COPY migrations ./migrations
# The Procfile runs the compiled build; copy-assets puts the data files src/ reads beside it.
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY Procfile ./
# The node image's unprivileged user; the app writes nothing to its own folder.
USER node
EXPOSE 3000
# PORT is deliberately not set here: `release` stays up when PORT is set (it then thinks a
# local Procfile runner runs it), and compose waits for it to exit. web listens on 3000 by default.
# Only web serves HTTP; compose.yaml turns the check off for the other processes.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=4", "dist/src/entry/web.js"]
