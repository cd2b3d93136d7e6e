// PM2: `pm2 start ecosystem.config.cjs` (or the seed's `pm2 start dist/server.js --name "ai-chat-whatsapp"`).
// Several instances need DATABASE_URL (a PostgreSQL server): the embedded database is single-process.
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
      listen_timeout: 10000,
      max_memory_restart: '512M',
      time: true,
    },
  ],
};
