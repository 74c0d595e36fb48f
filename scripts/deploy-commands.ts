/**
 * `npm run deploy-commands`: registers /imagine, /limits, /info and /cancel with Discord.
 * In one server when DISCORD_GUILD_ID is set (instant, for development), else globally.
 *   --guild <id>   this server instead of DISCORD_GUILD_ID
 *   --global       globally even when DISCORD_GUILD_ID is set
 *   --dry-run      print the JSON that would be sent, send nothing
 */
import { Command } from 'commander';
import { REST } from 'discord.js';
import { messageActions, slashCommands } from '../commands/index.js';
import { deployCommands, toDiscordCommands } from '../src/adapters/discord/commands-json.js';
import { ConfigError, loadConfig, loadDotenv } from '../src/config.js';

async function main(): Promise<number> {
  const program = new Command()
    .name('deploy-commands')
    .description('Register the bot’s slash commands with Discord (one server when DISCORD_GUILD_ID is set, else globally)')
    .option('--guild <id>', 'register in this server')
    .option('--global', 'register globally even when DISCORD_GUILD_ID is set')
    .option('--dry-run', 'print the commands as JSON without sending them')
    .parse();
  const opts = program.opts<{ guild?: string; global?: boolean; dryRun?: boolean }>();

  loadDotenv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      return 1;
    }
    throw err;
  }
  if (opts.dryRun) {
    console.log(JSON.stringify(toDiscordCommands(slashCommands, { allowDms: config.DISCORD_ALLOW_DMS }, messageActions), null, 2));
    return 0;
  }
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    console.error('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (in .env or the environment) to register commands.');
    return 1;
  }
  if (opts.guild !== undefined && !/^\d{5,25}$/.test(opts.guild)) {
    console.error(`--guild: expected a numeric server id (got '${opts.guild}')`);
    return 1;
  }
  const guildId = opts.global ? undefined : (opts.guild ?? config.DISCORD_GUILD_ID);
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  try {
    const result = await deployCommands(rest, { applicationId: config.DISCORD_APPLICATION_ID, guildId, allowDms: config.DISCORD_ALLOW_DMS }, slashCommands, messageActions);
    const names = result.names.join(', ');
    console.log(
      result.scope === 'guild'
        ? `Registered ${names} in server ${result.guildId}; they are usable there now.`
        : `Registered ${names} globally; Discord may take a few minutes to show them everywhere.`,
    );
    return 0;
  } catch (err) {
    const e = err as { status?: number; code?: number; message?: string };
    console.error(`Discord refused the commands${e.status ? ` (HTTP ${e.status}${e.code ? `, code ${e.code}` : ''})` : ''}: ${e.message ?? String(err)}`);
    if (e.status === 401) console.error('Check DISCORD_TOKEN.');
    if (e.status === 403 || e.code === 50001) console.error('Check DISCORD_APPLICATION_ID, and that the bot was invited to that server with the applications.commands scope.');
    return 1;
  }
}

process.exitCode = await main();
