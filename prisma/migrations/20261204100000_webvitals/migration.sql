-- Web budgets: budgets per page pattern and form factor, Lighthouse runs and their per-page median results.

CREATE TABLE "WebBudget" (
    "id" TEXT NOT NULL,
    "pagePattern" TEXT NOT NULL,
    "formFactor" TEXT NOT NULL,
    "minPerformanceScore" DOUBLE PRECISION NOT NULL,
    "maxLcpMs" INTEGER NOT NULL,
    "maxCls" DOUBLE PRECISION NOT NULL,
    "maxTbtMs" INTEGER NOT NULL,
    "maxScriptBytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "WebBudget_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "LighthouseRun" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "commitSha" TEXT,
    "formFactor" TEXT NOT NULL,
    "pages" TEXT[],
    "jobId" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LighthouseRun_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "LighthouseResult" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "page" TEXT NOT NULL,
    "formFactor" TEXT NOT NULL,
    "score" DOUBLE PRECISION,
    "lcpMs" DOUBLE PRECISION,
    "cls" DOUBLE PRECISION,
    "tbtMs" DOUBLE PRECISION,
    "fcpMs" DOUBLE PRECISION,
    "siMs" DOUBLE PRECISION,
    "scriptBytes" INTEGER,
    "totalBytes" INTEGER,
    "opportunities" JSONB NOT NULL,
    "failures" JSONB NOT NULL DEFAULT '[]',
    "runs" INTEGER NOT NULL DEFAULT 1,
    "medianRunIndex" INTEGER NOT NULL DEFAULT 0,
    "reportGz" BYTEA NOT NULL,
    "pass" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LighthouseResult_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "WebBudget_pagePattern_formFactor_key" ON "WebBudget"("pagePattern", "formFactor");
CREATE INDEX "LighthouseRun_createdAt_idx" ON "LighthouseRun"("createdAt");
CREATE INDEX "LighthouseRun_status_idx" ON "LighthouseRun"("status");
CREATE UNIQUE INDEX "LighthouseResult_runId_page_key" ON "LighthouseResult"("runId", "page");
CREATE INDEX "LighthouseResult_page_formFactor_createdAt_idx" ON "LighthouseResult"("page", "formFactor", "createdAt");

ALTER TABLE "LighthouseResult" ADD CONSTRAINT "LighthouseResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "LighthouseRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
