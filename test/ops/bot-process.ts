/**
 * A bot process for lifecycle tests: boots on the given DATA_DIR and model with the real process
 * signals and exit, submits one job that waits until shutdown, and reports on stdout.
 */
import { boot } from './boot.js';

const [dataDir, modelDir] = process.argv.slice(2);
if (!dataDir || !modelDir) throw new Error('usage: bot-process.ts <dataDir> <modelDir>');
const bot = await boot(dataDir, modelDir, undefined, 60_000, (code) => process.exit(code));
// Registered after the shutdown handler, so it runs once shutdown has begun.
process.once('SIGTERM', () => console.log('stopping'));
const job = await bot.submit('slow river', 'ada');
await bot.until((e) => e.type === 'started' && e.jobId === job.id);
console.log(`started ${job.id}`);
