-- Query insights and index advisor: collector settings, pg_stat_statements snapshots and per-interval deltas,
-- statement texts, ingested samples, EXPLAIN ANALYZE runs, advisor runs, index recommendations and their events.

CREATE TABLE "QueryCollectorSettings" (
    "targetId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "intervalMinutes" INTEGER NOT NULL DEFAULT 5,
    "retentionDays" INTEGER NOT NULL DEFAULT 7,
    "maxSnapshots" INTEGER NOT NULL DEFAULT 2016,
    "sampleRetentionHours" INTEGER NOT NULL DEFAULT 24,
    "slowMeanMs" DOUBLE PRECISION NOT NULL DEFAULT 100,
    "slowSharePct" DOUBLE PRECISION NOT NULL DEFAULT 5,
    "inspection" JSONB,
    "inspectedAt" TIMESTAMP(3),
    "lastCollectedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "QueryCollectorSettings_pkey" PRIMARY KEY ("targetId")
);

CREATE TABLE "QuerySnapshot" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL,
    "statsReset" TIMESTAMP(3),
    "dealloc" DOUBLE PRECISION,
    "intervalStart" TIMESTAMP(3),
    "intervalSeconds" DOUBLE PRECISION,
    "resetDetected" BOOLEAN NOT NULL DEFAULT false,
    "firstSnapshot" BOOLEAN NOT NULL DEFAULT false,
    "statementCount" INTEGER NOT NULL DEFAULT 0,
    "totalCalls" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "totalExecTimeMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "counters" JSONB,
    "tableWrites" JSONB,
    "jobId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "QuerySnapshot_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "QueryStatSample" (
    "id" BIGSERIAL NOT NULL,
    "snapshotId" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "queryid" TEXT NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL,
    "calls" DOUBLE PRECISION NOT NULL,
    "totalExecTimeMs" DOUBLE PRECISION NOT NULL,
    "sumSqExecTimeMs" DOUBLE PRECISION NOT NULL,
    "rows" DOUBLE PRECISION NOT NULL,
    "sharedBlksHit" DOUBLE PRECISION NOT NULL,
    "sharedBlksRead" DOUBLE PRECISION NOT NULL,
    "tempBlksRead" DOUBLE PRECISION NOT NULL,
    "tempBlksWritten" DOUBLE PRECISION NOT NULL,
    "reset" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "QueryStatSample_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "QueryStatement" (
    "targetId" TEXT NOT NULL,
    "queryid" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "fingerprint" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "planCost" DOUBLE PRECISION,
    "planFindings" JSONB,
    "planError" TEXT,
    "plannedAt" TIMESTAMP(3),
    CONSTRAINT "QueryStatement_pkey" PRIMARY KEY ("targetId","queryid")
);

CREATE TABLE "QuerySample" (
    "id" BIGSERIAL NOT NULL,
    "targetId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "queryid" TEXT,
    "durationMs" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "plan" JSONB,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "QuerySample_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "QueryFingerprint" (
    "targetId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "QueryFingerprint_pkey" PRIMARY KEY ("targetId","fingerprint")
);

CREATE TABLE "QueryPlan" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "queryid" TEXT NOT NULL,
    "analyzed" BOOLEAN NOT NULL DEFAULT true,
    "params" JSONB,
    "plan" JSONB NOT NULL,
    "totalCost" DOUBLE PRECISION NOT NULL,
    "executionMs" DOUBLE PRECISION,
    "findings" JSONB NOT NULL DEFAULT '[]',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "QueryPlan_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "IndexAnalysis" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "phase" TEXT,
    "jobId" TEXT,
    "options" JSONB,
    "summary" JSONB,
    "findings" JSONB,
    "unverified" JSONB,
    "skipped" JSONB,
    "error" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "IndexAnalysis_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "IndexRecommendation" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "analysisId" TEXT,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "indexName" TEXT NOT NULL,
    "columns" JSONB NOT NULL DEFAULT '[]',
    "keys" JSONB NOT NULL DEFAULT '[]',
    "include" JSONB NOT NULL DEFAULT '[]',
    "where" TEXT,
    "predicate" JSONB,
    "method" TEXT NOT NULL,
    "ddl" TEXT NOT NULL,
    "estimatedCostReductionPct" DOUBLE PRECISION,
    "estimatedTimeSavedMsPerDay" DOUBLE PRECISION,
    "estimatedSizeBytes" DOUBLE PRECISION,
    "writeOverheadMsPerDay" DOUBLE PRECISION,
    "queries" JSONB NOT NULL DEFAULT '[]',
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "whyNotOthers" JSONB NOT NULL DEFAULT '[]',
    "dropKind" TEXT,
    "dropReason" TEXT,
    "coveredBy" TEXT,
    "state" TEXT NOT NULL DEFAULT 'proposed',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "progressPhase" TEXT,
    "jobId" TEXT,
    "result" JSONB,
    "error" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "appliedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "IndexRecommendation_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "RecommendationEvent" (
    "id" BIGSERIAL NOT NULL,
    "recommendationId" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecommendationEvent_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "QuerySnapshot_targetId_takenAt_idx" ON "QuerySnapshot"("targetId", "takenAt");
CREATE INDEX "QueryStatSample_targetId_takenAt_idx" ON "QueryStatSample"("targetId", "takenAt");
CREATE INDEX "QueryStatSample_targetId_queryid_takenAt_idx" ON "QueryStatSample"("targetId", "queryid", "takenAt");
CREATE INDEX "QueryStatSample_snapshotId_idx" ON "QueryStatSample"("snapshotId");
CREATE INDEX "QueryStatement_targetId_fingerprint_idx" ON "QueryStatement"("targetId", "fingerprint");
CREATE INDEX "QuerySample_targetId_fingerprint_at_idx" ON "QuerySample"("targetId", "fingerprint", "at");
CREATE INDEX "QuerySample_targetId_at_idx" ON "QuerySample"("targetId", "at");
CREATE INDEX "QueryPlan_targetId_queryid_createdAt_idx" ON "QueryPlan"("targetId", "queryid", "createdAt");
CREATE INDEX "IndexAnalysis_targetId_createdAt_idx" ON "IndexAnalysis"("targetId", "createdAt");
CREATE INDEX "IndexRecommendation_targetId_state_idx" ON "IndexRecommendation"("targetId", "state");
CREATE INDEX "IndexRecommendation_analysisId_idx" ON "IndexRecommendation"("analysisId");
CREATE INDEX "RecommendationEvent_recommendationId_at_idx" ON "RecommendationEvent"("recommendationId", "at");

ALTER TABLE "QueryCollectorSettings" ADD CONSTRAINT "QueryCollectorSettings_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "QuerySnapshot" ADD CONSTRAINT "QuerySnapshot_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "QueryStatSample" ADD CONSTRAINT "QueryStatSample_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "QuerySnapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "QueryStatement" ADD CONSTRAINT "QueryStatement_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "QuerySample" ADD CONSTRAINT "QuerySample_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "QueryFingerprint" ADD CONSTRAINT "QueryFingerprint_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "QueryPlan" ADD CONSTRAINT "QueryPlan_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IndexAnalysis" ADD CONSTRAINT "IndexAnalysis_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IndexRecommendation" ADD CONSTRAINT "IndexRecommendation_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IndexRecommendation" ADD CONSTRAINT "IndexRecommendation_analysisId_fkey" FOREIGN KEY ("analysisId") REFERENCES "IndexAnalysis"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "RecommendationEvent" ADD CONSTRAINT "RecommendationEvent_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "IndexRecommendation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
