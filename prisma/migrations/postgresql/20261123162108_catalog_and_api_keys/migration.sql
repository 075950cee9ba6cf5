-- CreateTable
CREATE TABLE "catalog_templates" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "task_type" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "published_by" TEXT NOT NULL,
    "published_at" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PUBLISHED',
    "status_message" TEXT,
    "replacement_version" INTEGER,
    "status_changed_at" BIGINT,

    CONSTRAINT "catalog_templates_pkey" PRIMARY KEY ("id","version")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "namespaces" TEXT NOT NULL,
    "created_at" BIGINT NOT NULL,
    "created_by" TEXT,
    "revoked_at" BIGINT,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "catalog_templates_task_type_idx" ON "catalog_templates"("task_type");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

