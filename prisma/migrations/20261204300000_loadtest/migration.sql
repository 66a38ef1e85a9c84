-- Load tests: scenarios per target, runs (spec snapshot, status, merged summary, verdict), per-second merged rows
-- (HDR histograms merged across shards) and per-shard state.

CREATE TABLE "Scenario" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "preset" TEXT,
    "spec" JSONB NOT NULL,
    "baselineRunId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Scenario_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "LoadRun" (
    "id" TEXT NOT NULL,
    "scenarioId" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "shardCount" INTEGER NOT NULL DEFAULT 1,
    "startAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "lastSecond" INTEGER NOT NULL DEFAULT -1,
    "summary" JSONB,
    "assertionResults" JSONB,
    "verdict" JSONB,
    "baselineRunId" TEXT,
    "error" TEXT,
    "jobId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LoadRun_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "LoadRunSecond" (
    "runId" TEXT NOT NULL,
    "second" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "status" JSONB NOT NULL,
    "errors" JSONB NOT NULL,
    "byEndpoint" JSONB NOT NULL,
    "hist" TEXT NOT NULL,
    "svcHist" TEXT NOT NULL,
    "p50Ms" DOUBLE PRECISION NOT NULL,
    "p95Ms" DOUBLE PRECISION NOT NULL,
    "p99Ms" DOUBLE PRECISION NOT NULL,
    "maxMs" DOUBLE PRECISION NOT NULL,
    "lateStarts" INTEGER NOT NULL,
    "dropped" INTEGER NOT NULL,
    "targetRate" DOUBLE PRECISION,
    "activeVus" INTEGER,
    "shardsReported" INTEGER NOT NULL,
    CONSTRAINT "LoadRunSecond_pkey" PRIMARY KEY ("runId","second")
);

CREATE TABLE "LoadRunShard" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "jobId" TEXT,
    "workerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "lastSecond" INTEGER NOT NULL DEFAULT -1,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "hist" TEXT,
    "svcHist" TEXT,
    "error" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "LoadRunShard_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Scenario_targetId_name_key" ON "Scenario"("targetId", "name");
CREATE INDEX "LoadRun_scenarioId_createdAt_idx" ON "LoadRun"("scenarioId", "createdAt");
CREATE INDEX "LoadRun_targetId_createdAt_idx" ON "LoadRun"("targetId", "createdAt");
CREATE INDEX "LoadRun_status_idx" ON "LoadRun"("status");
CREATE UNIQUE INDEX "LoadRunShard_runId_index_key" ON "LoadRunShard"("runId", "index");

ALTER TABLE "Scenario" ADD CONSTRAINT "Scenario_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "LoadRun" ADD CONSTRAINT "LoadRun_scenarioId_fkey" FOREIGN KEY ("scenarioId") REFERENCES "Scenario"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "LoadRun" ADD CONSTRAINT "LoadRun_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "LoadRunSecond" ADD CONSTRAINT "LoadRunSecond_runId_fkey" FOREIGN KEY ("runId") REFERENCES "LoadRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "LoadRunShard" ADD CONSTRAINT "LoadRunShard_runId_fkey" FOREIGN KEY ("runId") REFERENCES "LoadRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
