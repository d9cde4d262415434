// AdminJS starts a never-closed file watcher outside production, and would bundle on start.
process.env.NODE_ENV = 'production';
process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
process.env.TALLY_LOG_LEVEL ??= 'silent';
