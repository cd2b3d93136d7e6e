// PM2: `NODE_ENV=production pm2 start ecosystem.config.cjs` (README, "Deploying with PM2").
// Several instances need DATABASE_URL (a PostgreSQL server): the embedded database serves one
// process, and the server refuses to start more than one instance on it (exit code 78, below).
// What the instances coordinate through the database: README, "Several instances (PM2 cluster)".
module.exports = {
  apps: [
    {
      name: 'ai-chat-whatsapp',
      script: 'dist/server.js',
      instances: process.env.WEB_CONCURRENCY || 1, // e.g. 2 or 'max' in cluster mode with DATABASE_URL
      exec_mode: 'cluster',
      env: { NODE_ENV: 'production' },
      kill_timeout: 20000, // graceful shutdown drains in-flight replies before exit
      // Up = migrated and started (the server sends 'ready'), not merely listening; without the
      // message (database down at boot) PM2 gives up waiting after listen_timeout.
      wait_ready: true,
      listen_timeout: 15000,
      max_memory_restart: '512M',
      // 78 = a start that cannot succeed until a person acts (configuration error, port in use,
      // embedded database already in use): shown once in `pm2 logs`, not restarted in a loop.
      stop_exit_codes: [78],
      time: true,
    },
  ],
};
