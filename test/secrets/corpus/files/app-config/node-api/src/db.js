const { Pool } = require('pg');
const mongoose = require('mongoose');

const pool = new Pool({
  host: 'pg.acme-internal.net',
  user: 'api',
  password: 'Cobalt-walnut-213',
  database: 'api',
});

mongoose.connect('mongodb+srv://api-user:WBwn0P4czdMmwVZqYHEbZMdC@cluster0.ab1cd.mongodb.net/api?retryWrites=true');

module.exports = { pool };
