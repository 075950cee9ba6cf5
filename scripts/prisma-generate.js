#!/usr/bin/env node
/**
 * Run by `npm install` (postinstall): writes the per-provider schemas from prisma/models.prisma and runs
 * `prisma generate` for each provider (clients in engine/store/generated/<provider>, gitignored).
 * Offline and quick: the generator is `prisma-client` with `engineType = "client"`, so nothing is downloaded.
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { PROVIDERS, writeSchemas } = require('./prisma-schemas');

const ROOT = path.resolve(__dirname, '..');

function generate(provider) {
  const cli = require.resolve('prisma/build/index.js', { paths: [ROOT] });
  const schema = path.join('prisma', provider, 'schema.prisma');
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
    // The url line must resolve for the schema to validate; generate never connects.
    DATABASE_URL: provider === 'sqlite' ? 'file:./generate.db' : 'postgresql://localhost:5432/generate',
    BATON_DB_PROVIDER: provider,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'generate', '--schema', schema, '--no-hints'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`prisma generate (${provider}) failed with code ${code}:\n${out}`))));
  });
}

async function main() {
  const started = Date.now();
  writeSchemas();
  await Promise.all(PROVIDERS.map(generate));
  console.log(`prisma clients generated for ${PROVIDERS.join(', ')} in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
