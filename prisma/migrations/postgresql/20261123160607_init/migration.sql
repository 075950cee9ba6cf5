-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "definitions" (
    "key" TEXT NOT NULL,
    "bpmn_process_id" TEXT NOT NULL,
    "name" TEXT,
    "version" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "xml" TEXT NOT NULL,
    "deployed_at" BIGINT NOT NULL,
    "templates" TEXT NOT NULL,

    CONSTRAINT "definitions_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "instances" (
    "key" TEXT NOT NULL,
    "definition_key" TEXT NOT NULL,
    "bpmn_process_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "incidents" INTEGER NOT NULL DEFAULT 0,
    "started_at" BIGINT NOT NULL,
    "ended_at" BIGINT,
    "state" TEXT NOT NULL,

    CONSTRAINT "instances_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "history" (
    "instance_key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "time" BIGINT NOT NULL,
    "intent" TEXT NOT NULL,
    "element_id" TEXT,
    "element_instance_key" TEXT,
    "detail" TEXT,

    CONSTRAINT "history_pkey" PRIMARY KEY ("instance_key","position")
);

-- CreateTable
CREATE TABLE "outbox" (
    "seq" BIGSERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "definitions_bpmn_process_id_version_key" ON "definitions"("bpmn_process_id", "version");

-- CreateIndex
CREATE INDEX "instances_status_idx" ON "instances"("status");

-- CreateIndex
CREATE INDEX "instances_bpmn_process_id_idx" ON "instances"("bpmn_process_id");

-- CreateIndex
CREATE INDEX "instances_definition_key_idx" ON "instances"("definition_key");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_id_key" ON "outbox"("id");

